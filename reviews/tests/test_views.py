import pytest
from django.test import Client
from django.urls import reverse

from labelling.services import label_range, set_reviewed
from prediction.models import Model
from projects.models import Role
from projects.tests.factories import add_member, make_project
from reviews import services
from reviews.selectors import get_project_agreement, get_video_agreement
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reviewers(video_files):
    """cfr.mp4 reviewed by a member and, on its own copy through a link, by a guest who relabels 10 frames."""
    project = make_project(name="<i>Scans</i>")
    video = ingest(project, video_files["cfr.mp4"])
    ingest(project, video_files["vp9.webm"])
    manager = add_member(project, Role.MANAGER)
    label_set = video.label_sets.get(is_current=True)
    link, token = services.create_share_link(label_set=label_set, permission="review", independent=True,
                                             created_by=manager)
    guest = services.join_as_guest(link=link, name="Ada")
    junction = project.classes.get(name="junction")
    label_range(label_set=link.label_set, start=10, end=19, label_class=junction, user=guest)
    set_reviewed(label_set=link.label_set, reviewed=True, user=guest)
    set_reviewed(label_set=label_set, reviewed=True, user=manager)
    return project, video, manager


def test_agreement_between_a_member_and_an_independent_link_reviewer(client, two_reviewers):
    project, video, manager = two_reviewers
    agreement = get_video_agreement(video)
    link = video.label_sets.get(is_current=False).share_links.get()
    assert agreement["reviewers"] == [manager.username, f"Ada (link {link.pk})"]
    assert agreement["disagreeing"] == 10 and agreement["kind"] == "Cohen"
    assert agreement["kappa"] == pytest.approx(0.0)  # one rater used one class only: no better than chance
    client.force_login(manager)
    page = client.get(reverse("labelling:video-detail", args=[video.pk]))
    assert b'data-testid="disagreement"' in page.content and b"disagree on 10 frames" in page.content
    assert get_project_agreement(project)["videos"] == 1


def test_the_review_page_lists_filters_and_escapes(client, two_reviewers):
    project, video, manager = two_reviewers
    client.force_login(manager)
    page = client.get(reverse("reviews:review-list", args=[project.pk]))
    assert page.status_code == 200 and page.content.count(b'data-testid="review-row"') == 2
    assert b"&lt;i&gt;Scans&lt;/i&gt;" in page.content and b"<i>Scans" not in page.content
    assert b'data-testid="project-agreement"' in page.content and b"Cohen" in page.content
    assert b"Share (1)" in page.content
    reviewed = client.get(reverse("reviews:review-list", args=[project.pk]), {"reviewed": "yes"})
    assert reviewed.content.count(b'data-testid="review-row"') == 1
    model = Model.objects.create(project=project, name="m", kind=Model.Kind.CUSTOM)
    video.label_sets.filter(is_current=True).update(source_model=model)
    by_model = client.get(reverse("reviews:review-list", args=[project.pk]), {"source": "model"})
    assert by_model.content.count(b'data-testid="review-row"') == 1
    links = client.get(reverse("reviews:share-links", args=[video.label_sets.get(is_current=True).pk]))
    assert b"own copy" in links.content and b"Ada" in links.content


def test_viewers_see_the_review_page_without_share_controls(two_reviewers):
    project, _, _ = two_reviewers
    viewer = Client()
    viewer.force_login(add_member(project, Role.VIEWER))
    page = viewer.get(reverse("reviews:review-list", args=[project.pk]))
    assert page.status_code == 200 and b"<summary>Share" not in page.content
