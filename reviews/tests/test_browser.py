"""Sharing in Debian Chromium: a manager creates a link (copied to the clipboard), a reviewer opens it,
gives a name and labels with the keyboard; only that video is reachable (S-1, S-2)."""

import pytest
from playwright.sync_api import Page, expect

from labelling.tests.factories import seek, stored_classes
from projects.models import Role
from projects.tests.factories import add_member, make_project
from reviews.models import ShareLink
from videos.tests.browser import log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_share_a_video_and_review_it_through_the_link(page: Page, live_server, video_files, browser):
    project = make_project(name="<img src=x onerror=alert(1)>", classes=["road", "<b>junction</b>", "parking"])
    road, junction, _ = (c.pk for c in project.classes.all())
    video = ingest(project, video_files["cfr.mp4"], name="<script>alert(2)</script>.mp4")
    label_set = video.label_sets.get(is_current=True)
    manager = add_member(project, Role.MANAGER)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/projects/{project.pk}/reviews/")
    page.get_by_text("Share", exact=True).click()
    page.get_by_test_id("share-create").click()
    url_box = page.get_by_test_id("share-url")
    expect(url_box).to_have_attribute("data-copied", "true")
    share_url = url_box.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == share_url
    assert ShareLink.objects.get().permission == "review"

    reviewer = browser.new_context().new_page()  # no session: a stranger with the link
    reviewer.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    reviewer.goto(share_url)
    reviewer.get_by_label("Your name").fill("Ada")
    reviewer.get_by_role("button", name="Start reviewing").click()
    player = reviewer.locator("[data-player]")
    expect(player).to_have_attribute("data-ready", "true", timeout=20_000)
    expect(reviewer.locator(".sidebar")).to_have_count(0)
    seek(reviewer, 3)
    with reviewer.expect_response(lambda r: r.url.endswith("/label-range/") and r.ok):
        reviewer.keyboard.press("2")
    assert stored_classes(label_set) == [road] * 3 + [junction] + [road] * 44
    expect(reviewer.get_by_test_id("current-label")).to_have_text("<b>junction</b>")
    reviewer.get_by_role("button", name="Who labelled this frame?").click()
    expect(reviewer.locator("#frame-history")).to_contain_text("Ada (link")

    from reviews import services

    services.revoke_share_link(link=ShareLink.objects.get())  # while the reviewer still has the player open
    seek(reviewer, 5)
    reviewer.keyboard.press("3")
    status = reviewer.locator("[data-status]")
    expect(status).to_contain_text("This link was revoked on")
    expect(status).to_contain_text(f"Ask {manager.username} for a new one.")
    assert stored_classes(label_set)[5] == road
    reviewer.reload()
    expect(reviewer.get_by_test_id("share-gone")).to_contain_text("was revoked on")
    expect(reviewer.get_by_test_id("share-gone")).to_contain_text(f"Ask {manager.username} for a new one.")
    reviewer.goto(f"{live_server.url}/videos/{video.pk}/")
    expect(reviewer).to_have_url(f"{live_server.url}/accounts/login/?next=/videos/{video.pk}/")
