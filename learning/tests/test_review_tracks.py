"""The review queue per track (issue 33): ?track= (and the command's and API's track) checks that track's runs;
a verdict labels the run on that track alone."""

import numpy as np
import pytest
from django.core.management import call_command

from labelling.selectors import get_current_label_set
from labelling.services import create_label_set
from prediction.models import Model
from projects.tests.factories import add_member, add_track, labelled_video, last_json_line, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def predicted_light(client):
    """A video whose light a model labelled dim (0-49, sure) and lit (50-99, unsure); its road type is untouched."""
    project = make_project(classes=["road", "junction"], name="Lights")
    video = labelled_video(project, [project.classes.get(name="road").pk] * 100)
    light = add_track(project, "light", ["dim", "lit"])
    model = Model.objects.create(project=project, track=light, name="m", kind=Model.Kind.CUSTOM, classes=["dim", "lit"])
    dim, lit = light.classes.all()
    create_label_set(video=video, class_ids=np.repeat([dim.pk, lit.pk], 50), author=-model.pk, source_model=model,
                     confidences=np.repeat([0.99, 0.55], 50).astype(np.float32))
    client.force_login(add_member(project))
    return project, video, light


def classes(video, track=None) -> list[str]:
    names = dict(video.project.classes.values_list("pk", "name"))
    return [names[c] for c in get_current_label_set(video, track).label_runs.to_frames()[0].tolist()]


def test_the_queue_checks_the_chosen_tracks_runs_and_a_verdict_labels_that_track(client, predicted_light):
    project, video, light = predicted_light
    first = client.get(f"/projects/{project.pk}/review/").content.decode()
    assert "data-testid=\"queue-empty\"" in first and "Check the runs of" in first  # nobody predicted road type
    page = client.get(f"/projects/{project.pk}/review/?track={light.pk}").content.decode()
    assert 'data-testid="run-class">lit<' in page and "All dim" in page and "All road" not in page
    dim = light.classes.get(name="dim")
    card = client.post(f"/projects/{project.pk}/review/verdict/", {
        "video": video.pk, "start": 50, "end": 99, "verdict": dim.pk, "track": light.pk}).content.decode()
    assert classes(video, light) == ["dim"] * 100 and classes(video) == ["road"] * 100
    assert 'data-testid="run-class">dim<' in card  # the next run: the rest of the light track, still a model's
    client.post(f"/projects/{project.pk}/review/verdict/", {
        "video": video.pk, "start": 0, "end": 49, "verdict": "right", "track": light.pk})
    assert (get_current_label_set(video, light).label_runs.authors > 0).all()


def test_the_command_lists_a_tracks_doubtful_runs(capsys, predicted_light):
    call_command("review", "Lights", "--track", "light", "--next", "5", "--json")
    assert [(run["class"], run["start"]) for run in last_json_line(capsys)] == [("lit", 50), ("dim", 0)]
    call_command("review", "Lights", "--next", "5", "--json")
    assert last_json_line(capsys) == []
