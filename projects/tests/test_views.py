import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Project, Role
from projects.tests.factories import UserFactory, add_member, make_project

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def test_every_page_needs_a_login(client):
    project = make_project()
    for url in [reverse("projects:dashboard"), reverse("projects:project-edit", args=[project.pk]),
                reverse("videos:video-list", args=[project.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_create_project_from_the_form(manager_client):
    response = manager_client.post(reverse("projects:project-create"), {
        "name": "Fetal scans", "classes": "head\nabdomen\nfemur", "default_class": "abdomen",
    })
    project = Project.objects.get(name="Fetal scans")
    assert response.status_code == 302
    assert project.first_track.default_class.name == "abdomen"
    assert project.memberships.get().user == manager_client.user


def test_duplicate_classes_are_refused_with_a_message(manager_client):
    response = manager_client.post(reverse("projects:project-create"), {"name": "P", "classes": "a, A"})
    assert response.status_code == 200
    assert "listed twice" in response.content.decode()
    assert not Project.objects.exists()


def test_html_in_names_is_shown_escaped(manager_client):
    project = make_project(name=f"Project {XSS}", classes=[XSS, "plain"], manager=manager_client.user)
    for url in [reverse("projects:dashboard"), reverse("projects:project-edit", args=[project.pk]),
                reverse("videos:video-list", args=[project.pk])]:
        body = manager_client.get(url).content.decode()
        assert XSS not in body
        assert "&lt;script&gt;" in body


def test_other_projects_are_404(manager_client):
    other = make_project()
    label_class = other.classes.first()
    urls = [
        ("get", reverse("projects:project-edit", args=[other.pk])),
        ("post", reverse("projects:class-add", args=[other.pk])),
        ("post", reverse("projects:class-update", args=[other.pk, label_class.pk])),
        ("get", reverse("projects:class-delete", args=[other.pk, label_class.pk])),
        ("post", reverse("projects:member-add", args=[other.pk])),
        ("get", reverse("videos:video-list", args=[other.pk])),
        ("post", reverse("videos:video-upload", args=[other.pk])),
    ]
    for method, url in urls:
        assert getattr(manager_client, method)(url).status_code == 404, url


def test_a_class_of_another_project_is_404(manager_client):
    mine = make_project(manager=manager_client.user)
    theirs = make_project().classes.first()
    url = reverse("projects:class-delete", args=[mine.pk, theirs.pk])
    assert manager_client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LABELLER])
def test_only_managers_edit_a_project(client, role):
    project = make_project()
    client.force_login(add_member(project, role))
    assert client.get(reverse("projects:project-edit", args=[project.pk])).status_code == 403
    response = client.post(reverse("projects:class-add", args=[project.pk]), {"name": "new"})
    assert response.status_code == 403
    assert not project.classes.filter(name="new").exists()


def test_superusers_manage_every_project(client):
    project = make_project()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("projects:project-edit", args=[project.pk])).status_code == 200


def test_posts_without_a_csrf_token_are_refused():
    user = UserFactory()
    project = make_project(manager=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("projects:class-add", args=[project.pk]), {"name": "sneaky"})
    assert response.status_code == 403
    assert not project.classes.filter(name="sneaky").exists()


def test_deleting_a_class_in_use_asks_what_to_map_it_to(manager_client):
    from projects.tests.factories import labelled_video

    project = make_project(manager=manager_client.user)
    road, junction, _ = project.classes.all()
    labelled_video(project, [road.pk, junction.pk])
    url = reverse("projects:class-delete", args=[project.pk, junction.pk])
    response = manager_client.post(url, {"map_to": ""})
    assert "choose a class for them" in response.content.decode()
    assert manager_client.post(url, {"map_to": road.pk}).status_code == 302
    assert not project.classes.filter(pk=junction.pk).exists()


def test_members_can_be_added_by_user_name(manager_client):
    project = make_project(manager=manager_client.user)
    colleague = UserFactory()
    url = reverse("projects:member-add", args=[project.pk])
    manager_client.post(url, {"username": colleague.username, "role": "viewer"})
    assert project.memberships.get(user=colleague).role == Role.VIEWER


def test_unknown_pages_get_the_plain_404(manager_client):
    response = manager_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
