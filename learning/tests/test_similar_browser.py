"""Find similar frames in Debian Chromium (issue 13): nothing ticked or chosen until the person says so, the
results come into view, and applying them redraws the timeline and Recent edits in place."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Role
from projects.tests.factories import add_member
from videos.tests.browser import log_in, open_player

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("random_init")]


def test_similar_frames_start_unticked_and_applying_them_redraws_the_player(page: Page, live_server,
                                                                          predicted):
    project, first, _ = predicted
    user = add_member(project, Role.LABELLER)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, user)
    open_player(page, live_server, first)
    page.evaluate("() => window.aigvaPlayer.seekToFrame(50)")
    page.get_by_test_id("find-similar").click()
    results = page.get_by_test_id("similar")
    expect(results.locator("input[name=frames]")).to_have_count(24)
    expect(results.locator("input[name=frames]:checked")).to_have_count(0)
    expect(results.get_by_label("Class")).to_have_value("")
    expect(results).to_be_in_viewport()
    timeline = page.get_by_test_id("timeline").bounding_box()
    assert results.bounding_box()["y"] < timeline["y"] + timeline["height"] + 120  # right under the timeline
    thumbnail = results.locator("img").first.bounding_box()
    assert thumbnail["height"] < thumbnail["width"]  # a frame's box, whatever the picture's shape

    mine = results.locator(f"input[name=frames][value^='{first.pk}:']")  # frames of the video on screen
    frames = [int(value.split(":")[1]) for value in (box.get_attribute("value") for box in mine.all())]
    assert frames
    for box in mine.all():
        box.check()
    results.get_by_label("Class").select_option(label="bright")
    results.get_by_role("button", name="Apply this label").click()
    count = len(frames)
    plural = "s" if count > 1 else ""
    expect(results.get_by_test_id("applied")).to_have_text(f"Labelled {count} frame{plural} “bright”.")
    expect(page.locator("[data-status]")).to_have_text(f"Labelled {count} similar frame{plural}.")
    expect(page.get_by_test_id("edit-log").locator("li").first).to_contain_text("→ bright")
    page.evaluate("(frame) => window.aigvaPlayer.seekToFrame(frame)", frames[0])
    expect(page.get_by_test_id("current-label")).to_have_text("bright")  # the timeline was refetched
