"""Fixtures of learning's tests: a video of known shots, random weights allowed, a predicted project."""

import pytest

from labelling.tests.shots import write_shots_video
from learning.tests.factories import SHOTS
from prediction import services as prediction_services
from prediction.tests.factories import head_checkpoint, predict_here
from projects.tests.factories import make_project
from videos.tests.factories import ingest


@pytest.fixture
def random_init(settings):
    settings.AIGVA_ALLOW_RANDOM_INIT = True


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    return write_shots_video(tmp_path_factory.mktemp("shots") / "shots.mp4", SHOTS)


@pytest.fixture
def predicted(tmp_path):
    project = make_project(classes=["dark", "bright"])
    # Two videos whose shots reuse the same backgrounds: shot k of one looks like shot k of the other.
    first = ingest(project, write_shots_video(tmp_path / "one.mp4", SHOTS))
    second = ingest(project, write_shots_video(tmp_path / "two.mp4", SHOTS[::-1], shot_seeds=[5, 3, 1, 0]))
    model = prediction_services.register_checkpoint(project=project, path=head_checkpoint(tmp_path, "h.pt", 1),
                                                    created_by=None)
    for video in (first, second):
        predict_here(model, video, every_frame=True)  # every frame cached: any frame can be a match
    return project, first, second
