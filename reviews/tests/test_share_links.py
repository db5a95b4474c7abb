from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aigva.errors import UserFacingError
from labelling.tests.factories import frames_of
from labelling.tests.factories import url as member_url
from projects.models import Role
from projects.tests.factories import add_member, make_project
from reviews import services
from reviews.models import ShareLink
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(video_files):
    project = make_project(name="Scans")
    video = ingest(project, video_files["cfr.mp4"])
    other = ingest(project, video_files["vp9.webm"])
    manager = add_member(project, Role.MANAGER)
    return project, video, other, video.label_sets.get(), manager


def share(label_set, manager, **options) -> str:
    link, token = services.create_share_link(label_set=label_set, created_by=manager,
                                             **{"permission": "review"} | options)
    return token


def test_a_reviewer_gives_a_name_once_and_labels_as_it(shared):
    project, video, _, label_set, manager = shared
    token = share(label_set, manager)
    guest = Client()
    page = guest.get(f"/s/{token}/")
    assert page.status_code == 200 and b'name="name"' in page.content
    assert guest.post(f"/s/{token}/label-range/", {"start": 0, "end": 3, "class_id": 1}).status_code == 403
    assert guest.post(f"/s/{token}/name/", {"name": "  Dr  Ada  "}).status_code == 302
    page = guest.get(f"/s/{token}/")
    assert b'data-testid="player-video"' in page.content and b"labelling as Dr Ada" in page.content
    project_page = reverse("videos:video-list", args=[project.pk]).encode()
    assert b"sidebar" not in page.content and project_page not in page.content
    junction = project.classes.get(name="junction")
    response = guest.post(f"/s/{token}/label-range/", {"start": 5, "end": 9, "class_id": junction.pk})
    assert response.status_code == 200
    timeline = response.json()
    assert timeline["author_names"][str(timeline["authors"][1])] == f"Dr Ada (link {ShareLink.objects.get().pk})"
    assert (frames_of(label_set)[5:10] == junction.pk).all()
    assert guest.post(f"/s/{token}/review/", {"reviewed": "on", "confirmed": "on"}).json()["reviewed"] is True
    assert guest.get(f"/s/{token}/media/").status_code == 200
    assert guest.get(f"/s/{token}/frame-times/").status_code == 200


def test_a_view_link_cannot_label_and_sees_only_its_video(shared):
    project, video, other, label_set, manager = shared
    token = share(label_set, manager, permission="view")
    guest = Client()
    page = guest.get(f"/s/{token}/")
    assert page.status_code == 200 and b"Label range" not in page.content
    assert guest.post(f"/s/{token}/label-range/", {"start": 0, "end": 3, "class_id": 1}).status_code == 403
    assert guest.post(f"/s/{token}/undo/").status_code == 403
    assert guest.get(f"/s/{token}/timeline/").json()["label_set"] == label_set.pk
    for path in [f"/videos/{other.pk}/", f"/videos/{other.pk}/media/", member_url("timeline", label_set)]:
        assert guest.get(path).status_code == 302  # everything else still needs a login


def test_tampered_expired_and_revoked_tokens_get_404_or_410(shared):
    _, _, _, label_set, manager = shared
    token = share(label_set, manager)
    guest = Client()
    for tampered in [token[:-1] + ("A" if token[-1] != "A" else "B"), "x", token + "x"]:
        assert guest.get(f"/s/{tampered}/").status_code == 404
        assert guest.get(f"/s/{tampered}/media/").status_code == 404
    link = ShareLink.objects.get()
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert guest.get(f"/s/{token}/").status_code == 410
    assert guest.get(f"/s/{token}/timeline/").status_code == 410
    ShareLink.objects.filter(pk=link.pk).update(expires_at=None)
    services.revoke_share_link(link=link)
    assert guest.get(f"/s/{token}/").status_code == 410 and guest.get(f"/s/{token}/media/").status_code == 410
    assert link.token_hash != token and token not in str(ShareLink.objects.values_list())


def test_bad_link_options_and_names_are_refused(shared):
    _, _, _, label_set, manager = shared
    for options in [dict(permission="admin"), dict(expires_in_days=0), dict(permission="view", independent=True)]:
        with pytest.raises(UserFacingError):
            share(label_set, manager, **options)
    token = share(label_set, manager)
    response = Client().post(f"/s/{token}/name/", {"name": "\x00"})
    assert response.status_code == 400 and b'role="alert"' in response.content


def test_members_create_list_and_revoke_links(client, shared):
    project, video, _, label_set, manager = shared
    client.force_login(manager)
    response = client.post(reverse("reviews:share-create", args=[label_set.pk]),
                           {"permission": "review", "expires_in_days": 7, "independent": "on"})
    assert response.status_code == 200 and b'data-share-url' in response.content
    link = ShareLink.objects.get()
    assert link.independent and link.label_set.pk != label_set.pk and not link.label_set.is_current
    assert abs((link.expires_at - timezone.now()) - timedelta(days=7)) < timedelta(minutes=1)
    client.post(reverse("reviews:share-revoke", args=[link.pk]))
    assert ShareLink.objects.get().revoked_at is not None
    viewer = add_member(project, Role.VIEWER)
    client.force_login(viewer)
    assert client.post(reverse("reviews:share-create", args=[label_set.pk]), {"permission": "view"}).status_code == 403
    stranger = add_member(make_project(), Role.MANAGER)
    client.force_login(stranger)
    assert client.post(reverse("reviews:share-create", args=[label_set.pk]), {"permission": "view"}).status_code == 404
    assert client.post(reverse("reviews:share-revoke", args=[link.pk])).status_code == 404
    assert client.get(reverse("reviews:review-list", args=[project.pk])).status_code == 404


def test_a_view_only_link_takes_no_names_and_makes_no_accounts(shared):
    from django.contrib.auth import get_user_model

    _, _, _, label_set, manager = shared
    token = share(label_set, manager, permission="view")
    users = get_user_model().objects.count()
    for _ in range(5):
        response = Client().post(f"/s/{token}/name/", {"name": "Mallory"})
        assert response.status_code == 400 and b"watching only" in response.content
    assert get_user_model().objects.count() == users


def test_a_name_is_never_a_way_into_someone_elses_guest(shared):
    _, _, _, label_set, manager = shared
    token = share(label_set, manager)
    ada, impostor = Client(), Client()
    ada.post(f"/s/{token}/name/", {"name": "Ada"})
    impostor.post(f"/s/{token}/name/", {"name": "ada"})
    assert b"labelling as ada (2)" in impostor.get(f"/s/{token}/").content
    assert b"labelling as Ada" in ada.get(f"/s/{token}/").content
    assert ada.post(f"/s/{token}/name/", {"name": "Ada again"}).status_code == 302  # a double submit joins once
    link = ShareLink.objects.get()
    assert sorted(link.guests.values_list("name", flat=True)) == ["Ada", "ada (2)"]


def test_a_link_makes_at_most_a_few_guests_an_hour(shared):
    _, _, _, label_set, manager = shared
    token = share(label_set, manager)
    codes = [Client().post(f"/s/{token}/name/", {"name": f"visitor {i}"}).status_code
             for i in range(services.GUESTS_PER_LINK_PER_HOUR + 3)]
    assert codes.count(302) == services.GUESTS_PER_LINK_PER_HOUR and codes[-1] == 400
