import json

import numpy as np
import pytest

from exports.labels_json import CHUNK_FRAMES, stream_labels_json
from exports.selectors import list_export_label_sets
from labelling import services
from labelling.tests.factories import make_labelled_video
from prediction.models import Model
from projects.tests.factories import UserFactory, make_project

pytestmark = pytest.mark.django_db


def exported(project, segments: bool = False, **filters) -> tuple[dict, list[str]]:
    chunks = list(stream_labels_json(project, list_export_label_sets(project, **filters), segments=segments))
    return json.loads("".join(chunks)), chunks


def without_tracks(frame: dict) -> dict:
    """The frame without its "tracks", which on a one-track project hold the frame's own labels again."""
    (on_track,) = frame.pop("tracks").values()
    assert on_track == {key: frame[key] for key in ("class", "confidence", "author")}
    return frame


def test_every_frame_carries_class_confidence_and_author():
    project = make_project(name='Dash "cam" </script>')
    road, junction, parking = project.classes.all()
    video, _ = make_labelled_video(frames=CHUNK_FRAMES + 500, project=project)
    model = Model.objects.create(project=project, name="cold-1", kind=Model.Kind.COLD)
    classes = np.full(video.frame_count, junction.pk)
    classes[100:] = parking.pk
    confidences = np.linspace(0.5, 1.0, video.frame_count, dtype=np.float16)
    label_set = services.create_label_set(video=video, class_ids=classes, confidences=confidences,
                                          author=-model.pk, source_model=model)
    user = UserFactory(username="alice")
    services.label_range(label_set=label_set, start=CHUNK_FRAMES - 2, end=CHUNK_FRAMES + 1, label_class=road, user=user)
    document, chunks = exported(project)
    assert len(chunks) > 4  # streamed in pieces, not one string
    assert document["project"] == 'Dash "cam" </script>' and document["classes"] == ["road", "junction", "parking"]
    [entry] = document["videos"]
    assert entry["name"] == "clip.mp4" and entry["frame_count"] == video.frame_count and entry["model"] == "cold-1"
    frames = [without_tracks(frame) for frame in entry["frames"]]
    assert [f["frame"] for f in frames] == list(range(video.frame_count))
    assert frames[0] == {"frame": 0, "class": "junction", "confidence": pytest.approx(0.5, abs=1e-3),
                         "author": "model cold-1"}
    assert frames[CHUNK_FRAMES] == {"frame": CHUNK_FRAMES, "class": "road", "confidence": 1, "author": "alice"}
    assert frames[-1]["class"] == "parking" and frames[-1]["confidence"] == pytest.approx(1.0, abs=1e-3)


def test_untouched_default_labels_have_no_confidence_and_segments_join_authors():
    project = make_project()
    road, junction, _ = project.classes.all()
    video, label_set = make_labelled_video(frames=50, project=project)
    user = UserFactory()
    services.label_range(label_set=label_set, start=10, end=19, label_class=junction, user=user)
    services.label_range(label_set=label_set, start=20, end=29, label_class=road, user=user)  # road again, by a person
    document, _ = exported(project)
    frames = document["videos"][0]["frames"]
    assert frames[0]["confidence"] is None and frames[0]["author"] == "default"
    assert without_tracks(frames[25]) == {"frame": 25, "class": "road", "confidence": 1, "author": user.username}
    segments, _ = exported(project, segments=True)
    assert segments["form"] == "segments"
    assert segments["videos"][0]["segments"] == [
        {"start": 0, "end": 9, "class": "road"}, {"start": 10, "end": 19, "class": "junction"},
        {"start": 20, "end": 49, "class": "road"}]
    assert segments["videos"][0]["tracks"] == {"class": segments["videos"][0]["segments"]}


def test_reviewed_only_and_chosen_videos_and_no_other_projects():
    project, other = make_project(), make_project()
    first, first_set = make_labelled_video(frames=10, project=project)
    second, _ = make_labelled_video(frames=12, project=project)
    foreign, _ = make_labelled_video(frames=14, project=other)
    services.set_reviewed(label_set=first_set, reviewed=True, user=UserFactory())
    assert [v["id"] for v in exported(project, reviewed_only=True)[0]["videos"]] == [first.pk]
    assert [v["id"] for v in exported(project, video_ids=[second.pk, foreign.pk])[0]["videos"]] == [second.pk]
    assert {v["id"] for v in exported(project)[0]["videos"]} == {first.pk, second.pk}
