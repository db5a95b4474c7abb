"""Label tracks (issue 33): each video has one current label set per track, and a label on one track never
touches another."""

import numpy as np
import pytest

from aigva.errors import UserFacingError
from labelling import services
from labelling.selectors import get_current_label_set
from projects.services import add_class
from projects.tests.factories import UserFactory, add_track, make_project
from videos.models import Video, VideoStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tracks():
    """Road type (the first track) and weather, with a video ingested after both existed."""
    project = make_project(classes=["road", "junction"])
    weather = add_track(project, "weather", ["sunny", "rain"], default="rain")
    video = Video.objects.create(project=project, name="v.mp4", frame_count=20, status=VideoStatus.READY)
    services.create_initial_label_sets(video=video)
    return project, weather, video


def frames(video, track=None) -> list[int]:
    return get_current_label_set(video, track).label_runs.to_frames()[0].tolist()


def test_a_project_made_with_classes_has_one_track_holding_them():
    project = make_project(classes=["road", "junction"], name="One")
    (track,) = project.tracks.all()
    assert track.name == "class" and list(track.classes.values_list("name", flat=True)) == ["road", "junction"]
    assert track.default_class.name == "road"


def test_every_track_starts_with_its_own_default_class(two_tracks):
    project, weather, video = two_tracks
    assert frames(video) == [project.classes.get(name="road").pk] * 20
    assert frames(video, weather) == [weather.default_class_id] * 20


def test_a_label_on_one_track_leaves_the_other_untouched_and_undoes_there(two_tracks):
    project, weather, video = two_tracks
    user = UserFactory()
    road_before = frames(video)
    sunny = weather.classes.get(name="sunny")
    services.label_range(label_set=get_current_label_set(video, weather), start=5, end=9, label_class=sunny,
                         user=user)
    assert frames(video) == road_before
    assert frames(video, weather)[5:10] == [sunny.pk] * 5
    services.undo_last_edit(label_set=get_current_label_set(video, weather), user=user)
    assert frames(video, weather) == [weather.default_class_id] * 20 and frames(video) == road_before


def test_a_class_of_another_track_is_refused_and_changes_nothing(two_tracks):
    project, weather, video = two_tracks
    with pytest.raises(UserFacingError, match="another track"):
        services.label_range(label_set=get_current_label_set(video, weather), start=0, end=3,
                             label_class=project.classes.get(name="junction"), user=UserFactory())
    assert frames(video, weather) == [weather.default_class_id] * 20


def test_one_label_set_holds_one_track(two_tracks):
    project, weather, video = two_tracks
    mixed = np.array([project.classes.get(name="road").pk] * 10 + [weather.default_class_id] * 10)
    with pytest.raises(ValueError, match="one track"):
        services.create_label_set(video=video, class_ids=mixed)


def test_keys_are_unique_across_tracks_so_a_key_says_which_track_it_labels(two_tracks):
    project, weather, _ = two_tracks
    with pytest.raises(UserFacingError, match="already taken"):
        add_class(project=project, name="fog", shortcut="1", track=weather)
    assert add_class(project=project, name="fog", track=weather).shortcut not in {"1", "2", "3", "4"}


def test_readers_naming_no_track_read_the_first_one(two_tracks):
    """Until every page and job asks per track, those that name none read the first track, never a mix."""
    from exports.selectors import list_export_label_sets
    from labelling.models import LabelSet
    from labelling.selectors import summarize_project_labels
    from videos.selectors import list_project_videos

    project, weather, video = two_tracks
    first = project.first_track
    assert LabelSet.objects.filter(video=video, is_current=True).count() == 2
    assert [s.track_id for s in LabelSet.objects.current().filter(video=video)] == [first.pk]
    assert [s.track_id for s in LabelSet.objects.current(weather).filter(video=video)] == [weather.pk]
    assert [s.track_id for s in list_export_label_sets(project)] == [first.pk]
    assert summarize_project_labels(project)["frames"] == 20
    services.set_reviewed(label_set=get_current_label_set(video, weather), reviewed=True, user=UserFactory())
    (listed,) = list_project_videos(project)
    assert listed.labels_reviewed == 0
