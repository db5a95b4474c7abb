import json
import re

import numpy as np
import pytest
from django.urls import reverse

from labelling.services import create_label_set, label_range, set_reviewed
from labelling.tests.factories import make_labelled_video
from prediction.models import Model
from projects.models import Role
from projects.tests.factories import add_member, make_project

pytestmark = pytest.mark.django_db


def test_the_current_project_shows_counts_distribution_and_jobs(client):
    project = make_project(name="Dashcam")
    road, junction, parking = project.classes.all()
    user = add_member(project, Role.LABELLER)
    first, first_set = make_labelled_video(frames=100, project=project)
    second, _ = make_labelled_video(frames=50, project=project)
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.CUSTOM)
    create_label_set(video=second, class_ids=np.full(50, parking.pk), author=-model.pk, source_model=model)
    label_range(label_set=first_set, start=0, end=9, label_class=junction, user=user)
    set_reviewed(label_set=first_set, reviewed=True, user=user)
    client.force_login(user)
    page = client.get(reverse("projects:dashboard"))
    html = page.content.decode()
    for name, count in [("frames", 150), ("labelled", 60), ("reviewed", 100)]:
        assert f'data-testid="count-{name}">{count}<' in html
    classes = json.loads(re.search(r'id="class-distribution"[^>]*>(.*?)</script>', html).group(1))
    assert [(c["name"], c["frames"]) for c in classes] == [("road", 90), ("junction", 10), ("parking", 50)]
    assert b'data-testid="count-models">1<' in page.content and b'id="class-distribution"' in page.content


def test_switching_projects_is_remembered_and_limited_to_ones_own(client):
    first, second, foreign = make_project(name="A"), make_project(name="B"), make_project(name="C")
    user = add_member(first, Role.VIEWER)
    add_member(second, Role.VIEWER, user=user)
    client.force_login(user)
    assert client.get(reverse("projects:dashboard")).context["project"] == first
    assert client.get(reverse("projects:dashboard"), {"project": second.pk}).status_code == 302
    assert client.get(reverse("projects:dashboard")).context["project"] == second
    assert client.get(reverse("projects:dashboard"), {"project": foreign.pk}).status_code == 404
    assert client.get(reverse("projects:dashboard")).context["project"] == second
