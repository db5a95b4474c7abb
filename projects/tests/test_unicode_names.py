"""Names that differ only in case are one name, in every alphabet, on both databases (issue 32): SQLite's
LOWER() knows ASCII only, so "Ärger" twice, or a class "Éclat" twice, reached its unique index and was a 500."""

import json

import pytest
from django.test import Client

from aigva.tests.on_sqlite import run_on_sqlite


def name_clashes() -> dict:
    """Each duplicate's answer from the API, and whether the page's form says so."""
    from api.services import create_token
    from projects.models import Project
    from projects.tests.factories import UserFactory

    user = UserFactory()
    headers = {"Authorization": f"Bearer {create_token(user=user, name='names')[1]}"}
    client = Client()

    def post(path: str, body: dict):
        response = client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers)
        return response.status_code, response.json().get("detail", "")

    created, _ = post("/projects", {"name": "Ärger", "classes": ["Éclat", "b"]})
    project = Project.objects.get(name="Ärger")
    answers = {"created": created, "same": post("/projects", {"name": "Ärger", "classes": ["a", "b"]}),
               "other case": post("/projects", {"name": "äRGER", "classes": ["a", "b"]}),
               "classes twice": post("/projects", {"name": "Other", "classes": ["Éclat", "éCLAT"]}),
               "class again": post(f"/projects/{project.pk}/classes", {"name": "ÉCLAT"})}
    client.force_login(user)
    form = client.post("/projects/new/", {"name": "ÄRGER", "classes": "a, b"})
    answers["form"] = "already exists" in form.content.decode()
    answers["projects"] = Project.objects.count()
    return answers


def check(answers: dict) -> None:
    assert answers["created"] == 201
    for case in ("same", "other case"):
        assert answers[case][0] == 400 and "already exists" in answers[case][1], case
    assert answers["classes twice"][0] == 400 and "already has a class" in answers["classes twice"][1]
    assert answers["class again"][0] == 400 and "already has a class" in answers["class again"][1]
    assert answers["form"] and answers["projects"] == 1


@pytest.mark.django_db
def test_unicode_names_are_unique_ignoring_case_on_postgresql():
    check(name_clashes())


def test_unicode_names_are_unique_ignoring_case_on_sqlite(tmp_path):
    answers = run_on_sqlite(tmp_path, "projects.tests.test_unicode_names:name_clashes")
    check({key: tuple(value) if isinstance(value, list) else value for key, value in answers.items()})
