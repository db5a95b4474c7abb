"""Models learn the project's first track (issue 33, until each track has its head): labels on other tracks never
become classes of a model, and a checkpoint naming them is refused."""

import pytest

from aigva.errors import UserFacingError
from labelling.tests.factories import label_as
from learning.selectors import training_classes
from prediction.models import Model
from prediction.services import _check_classes
from projects.tests.factories import UserFactory, add_track, labelled_video, make_project

pytestmark = pytest.mark.django_db


def test_training_learns_the_first_track_whatever_other_tracks_hold():
    project = make_project(classes=["road", "junction"])
    video = labelled_video(project, [project.classes.get(name="road").pk] * 40)
    add_track(project, "weather", ["sunny", "rain"])  # the video gets its labels on it
    person = UserFactory()
    for name, start in [("road", 0), ("junction", 10), ("sunny", 20), ("rain", 30)]:
        label_as(person, video, name, start, start + 4)
    learnt, left_out = training_classes(project, Model.Kind.HUMAN)
    assert [c.name for c in learnt] == ["road", "junction"] and left_out == []
    with pytest.raises(UserFacingError, match="first track “class” lacks: rain"):
        _check_classes(project, ["road", "rain"])
