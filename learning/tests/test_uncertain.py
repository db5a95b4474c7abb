import numpy as np
import pytest

from aigva.errors import UserFacingError
from labelling.services import create_label_set
from labelling.tests.shots import write_shots_video
from learning import actors
from learning.models import TrainingSample
from learning.uncertain import Pick, least_sure_per_shot, spread_picks, start_uncertain
from projects.models import JobStatus
from projects.tests.factories import make_project
from videos.tests.factories import ingest

SHOTS = [25, 15, 30, 20]  # 10 frames/s: shots start at frames 0, 25, 40 and 70
SHOT_OF = np.repeat(np.arange(4), SHOTS)


def test_least_sure_frame_of_each_shot_and_never_a_settled_one():
    margins = np.array([0.9, 0.5, 0.7, 0.2, 0.3, 0.8, np.inf, np.inf])
    assert least_sure_per_shot(margins, [0, 3, 6]) == [(1, 0.5), (3, 0.2)]


def test_picks_take_turns_across_videos():
    picks = spread_picks({1: [(5, 0.1), (50, 0.2), (90, 0.3)], 2: [(7, 0.6)]}, 3)
    assert picks == [Pick(1, 5, 0.1), Pick(2, 7, 0.6), Pick(1, 50, 0.2)]


@pytest.mark.django_db
def test_the_uncertainty_queue_never_proposes_two_frames_of_one_shot(tmp_path):
    project = make_project(classes=["a", "b"])
    video = ingest(project, write_shots_video(tmp_path / "shots.mp4", SHOTS))
    with pytest.raises(UserFacingError, match="predict with a model first"):
        start_uncertain(project=project, count=3, started_by=None, enqueue=False)
    # The model is least sure all through shot 2 (frames 40-69), most of all at frame 55.
    confidences = np.where(SHOT_OF == 2, 0.2, 0.9) - np.linspace(0, 0.05, 90)
    confidences[55] = 0.05
    a = project.classes.first()
    create_label_set(video=video, class_ids=np.full(90, a.pk), confidences=confidences.astype(np.float32))
    job = start_uncertain(project=project, count=3, started_by=None, enqueue=False)
    actors.find_uncertain_frames(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    samples = list(TrainingSample.objects.filter(source="uncertain").order_by("confidence"))
    assert samples[0].frame == 55 and samples[0].confidence == pytest.approx(0.05, abs=1e-3)
    assert len({SHOT_OF[s.frame] for s in samples}) == len(samples) == 3
    assert [s.frame for s in samples[1:]] == [89, 39]  # confidence falls over time: each shot's last frame


@pytest.mark.django_db
def test_frames_people_labelled_and_sure_shots_are_never_offered(tmp_path):
    from labelling.services import label_range
    from projects.tests.factories import UserFactory

    project = make_project(classes=["a", "b"])
    video = ingest(project, write_shots_video(tmp_path / "shots.mp4", SHOTS))
    a, b = project.classes.all()
    confidences = np.where(SHOT_OF == 3, 0.99, 0.4).astype(np.float32)  # sure of shot 3 (frames 70-89)
    confidences[[10, 30]] = 0.1  # the least sure frames of shots 0 and 1 ...
    label_set = create_label_set(video=video, class_ids=np.full(90, b.pk), confidences=confidences, author=-1)
    label_range(label_set=label_set, start=25, end=39, label_class=a, user=UserFactory())  # ... but shot 1 is settled
    label_range(label_set=label_set, start=10, end=10, label_class=a, user=UserFactory())
    job = start_uncertain(project=project, count=10, started_by=None, enqueue=False)
    actors.find_uncertain_frames(job.pk)
    samples = list(TrainingSample.objects.filter(source="uncertain").order_by("frame"))
    assert [s.frame for s in samples] == [0, 40]  # shot 0's least sure frame left, shot 2's first; none of 1 or 3
    assert {s.guess_id for s in samples} == {b.pk} and samples[0].confidence == pytest.approx(0.4, abs=1e-3)


@pytest.mark.django_db
def test_frames_are_ranked_by_the_margin_between_the_two_likeliest_classes(tmp_path):
    project = make_project(classes=["a", "b", "c"])
    video = ingest(project, write_shots_video(tmp_path / "shots.mp4", SHOTS))
    a = project.classes.first()
    # Shot 0: 0.5 for the label, 0.45 for another (a near tie). Shot 2: 0.4 for the label, the rest split
    # 0.3/0.3, so less confident but a clearer choice. Shots 1 and 3 are sure.
    confidences = np.select([SHOT_OF == 0, SHOT_OF == 2], [0.5, 0.4], 0.99).astype(np.float32)
    margins = np.select([SHOT_OF == 0, SHOT_OF == 2], [0.05, 0.1], 0.98).astype(np.float32)
    create_label_set(video=video, class_ids=np.full(90, a.pk), confidences=confidences, margins=margins, author=-1)
    job = start_uncertain(project=project, count=1, started_by=None, enqueue=False)
    actors.find_uncertain_frames(job.pk)
    (sample,) = TrainingSample.objects.filter(source="uncertain")
    assert SHOT_OF[sample.frame] == 0 and sample.confidence == pytest.approx(0.5, abs=1e-3)


@pytest.mark.django_db
def test_a_frame_is_as_doubtful_as_its_least_sure_track(tmp_path):
    from projects.tests.factories import add_track

    project = make_project(classes=["a", "b"])
    video = ingest(project, write_shots_video(tmp_path / "shots.mp4", SHOTS))
    light = add_track(project, "light", ["dim", "lit"])
    a, lit = project.classes.get(name="a"), light.classes.get(name="lit")
    sure_but_shot_1 = np.where(SHOT_OF == 1, 0.6, 0.99)  # the first track doubts shot 1 a little
    create_label_set(video=video, class_ids=np.full(90, a.pk), confidences=sure_but_shot_1.astype(np.float32))
    light_doubt = np.full(90, 0.99)
    light_doubt[75] = 0.3  # the light track doubts frame 75 most of all
    create_label_set(video=video, class_ids=np.full(90, lit.pk), confidences=light_doubt.astype(np.float32))
    job = start_uncertain(project=project, count=2, started_by=None, enqueue=False)
    actors.find_uncertain_frames(job.pk)
    samples = list(TrainingSample.objects.filter(source="uncertain").order_by("confidence"))
    assert [(s.frame, s.guess, round(s.confidence, 2)) for s in samples] == [(75, lit, 0.3), (25, a, 0.6)]
