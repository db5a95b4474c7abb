"""Labelling with the keyboard in Debian Chromium: marks, class keys, undo, paint, history (L-4, Y-1)."""

import pytest
from playwright.sync_api import Page, expect

from labelling.selectors import get_frame_history
from labelling.tests.factories import seek, stored_classes
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import expect_on_screen, log_in, open_player, settled_state
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_label_undo_and_paint_with_the_keyboard(page: Page, live_server, video_files):
    project = make_project(classes=["road", "junction", "parking"])
    road, junction, parking = (c.pk for c in project.classes.all())
    video = ingest(project, video_files["cfr.mp4"])
    label_set = video.label_sets.get(is_current=True)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    open_player(page, live_server, video)

    seek(page, 5)
    page.keyboard.press("i")
    seek(page, 12)
    page.keyboard.press("o")
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("2")
    assert stored_classes(label_set) == [road] * 5 + [junction] * 8 + [road] * 35
    expect(page.get_by_test_id("current-label")).to_have_text("junction")

    with page.expect_response(lambda r: r.url.endswith("/undo/") and r.ok):
        page.keyboard.press("Control+z")
    assert stored_classes(label_set) == [road] * 48
    expect(page.get_by_test_id("current-label")).to_have_text("road")

    seek(page, 20)
    page.keyboard.down("3")
    for frame in range(21, 25):
        page.keyboard.press("ArrowRight")
        expect_on_screen(page, frame)
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.up("3")
    assert stored_classes(label_set) == [road] * 20 + [parking] * 5 + [road] * 23

    history = get_frame_history(label_set, 22)
    assert [(h["author"], h["class"], h["undone"]) for h in history] == [
        (user.username, "parking", False), ("default", None, False)]
    assert [(h["class"], h["undone"]) for h in get_frame_history(label_set, 8)][0] == ("junction", True)
    page.get_by_role("button", name="Who labelled this frame?").click()
    expect(page.get_by_test_id("frame-history")).to_contain_text(f"parking by {user.username} (frames 20–24)")
    page.get_by_label("Reviewed").check()  # 43 frames nobody labelled would become the user's: asked first
    expect(page.get_by_test_id("review-confirm")).to_contain_text("43 of 48 frames still have the default class")
    expect(page.get_by_label("Reviewed")).not_to_be_checked()
    page.get_by_role("button", name="Mark reviewed anyway").click()
    expect(page.get_by_label("Reviewed")).to_be_checked()
    expect(page.get_by_test_id("review-confirm")).to_be_hidden()
    expect(page.locator("[data-reviewed-by]")).to_contain_text(f"Reviewed by {user.username}")
    edits = page.get_by_test_id("edit-log").locator("li")
    expect(edits.first).to_contain_text("frames 20–24 → parking")
    expect(edits.nth(1)).to_contain_text("undone")
    label_set.refresh_from_db()
    assert label_set.reviewed and label_set.reviewed_by == user


def test_the_range_form_refuses_bad_ranges_with_a_message(page: Page, live_server, video_files):
    project = make_project()
    video = ingest(project, video_files["cfr.mp4"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    open_player(page, live_server, video)
    page.get_by_label("Start frame").fill("40")
    page.get_by_label("End frame").fill("60")
    page.get_by_role("button", name="Label range").click()
    expect(page.locator("[data-status]")).to_contain_text("outside 0-47")
    assert not video.label_sets.get(is_current=True).edits.exists()


def test_viewers_see_labels_but_no_editing_controls(page: Page, live_server, video_files):
    project = make_project()
    video = ingest(project, video_files["cfr.mp4"])
    log_in(page, live_server, add_member(project, Role.VIEWER))
    open_player(page, live_server, video)
    expect(page.get_by_test_id("current-label")).to_have_text("road")
    expect(page.get_by_role("button", name="Label range")).to_have_count(0)


def test_the_player_page_removes_every_listener_it_added_when_destroyed(page: Page, live_server, video_files):
    project = make_project(classes=["road", "junction"])
    road = project.classes.get(name="road").pk
    video = ingest(project, video_files["cfr.mp4"])
    label_set = video.label_sets.get(is_current=True)
    log_in(page, live_server, add_member(project, Role.LABELLER))
    open_player(page, live_server, video)
    page.keyboard.press("ArrowRight")
    expect_on_screen(page, 1)
    page.evaluate("window.aigvaPage.destroy()")
    for key in ["ArrowRight", "End", "i", "2", "?"]:
        page.keyboard.press(key)
    page.get_by_role("button", name="1 ›").click()
    page.locator("[data-timeline]").click(position={"x": 300, "y": 20})
    page.get_by_role("button", name="junction").click()
    page.wait_for_timeout(500)  # whatever a listener left behind would have done by now
    assert settled_state(page) == (1, 1, 1)
    expect(page.locator("[data-help]")).to_be_hidden()
    assert stored_classes(label_set) == [road] * 48
