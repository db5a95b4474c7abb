"""Defects a new user met in the player in the first hour (issue 13), each driven in Debian Chromium."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import expect_on_screen, log_in, open_player, settled_state
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_player(page: Page, live_server, video_files):
    project = make_project(classes=["road", "junction"])
    video = ingest(project, video_files["cfr.mp4"])
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    open_player(page, live_server, video)
    return video


def test_go_to_frame_works_every_time(page: Page, on_player):
    for frame in (20, 7, 41):
        page.keyboard.press("g")
        page.keyboard.type(str(frame))  # the field's old number is selected, so typing replaces it
        page.keyboard.press("Enter")
        expect_on_screen(page, frame)


def test_back_after_an_edit_shows_the_edited_labels(page: Page, live_server, on_player):
    expect(page.get_by_test_id("current-label")).to_have_text("road")
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("2")
    expect(page.get_by_test_id("current-label")).to_have_text("junction")
    page.get_by_role("link", name="Videos").first.click()
    expect(page.get_by_role("heading", name="Videos")).to_be_visible()
    page.go_back()
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("current-label")).to_have_text("junction")
    expect(page.get_by_test_id("edit-log").locator("li").first).to_contain_text("frame 0 → junction")
    label_set = on_player.label_sets.get(is_current=True)
    timeline = page.request.get(f"{live_server.url}/label-sets/{label_set.pk}/timeline/")
    assert "no-store" in timeline.headers["cache-control"]


def test_frames_nobody_labelled_say_so_instead_of_a_confidence(page: Page, on_player):
    expect(page.locator("[data-stat=confidence]")).to_have_text("default (not labelled)")
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("2")
    expect(page.locator("[data-stat=confidence]")).to_have_text("1.00")


CONTRAST = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = (colour) => colour.map(linear).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_key_hints_are_readable_and_the_heat_map_takes_no_class_colour(page: Page, live_server, video_files, theme):
    from projects.models import Preference

    project = make_project(classes=["road", "junction"])
    video = ingest(project, video_files["cfr.mp4"])
    user = add_member(project, Role.LABELLER)
    Preference.objects.update_or_create(user=user, defaults={"theme": theme})
    log_in(page, live_server, user)
    open_player(page, live_server, video)
    for hint in page.locator(".class-buttons kbd").all():
        assert hint.evaluate(CONTRAST) >= 4.5
    unsure = page.get_by_test_id("timeline").evaluate("(c) => getComputedStyle(c).getPropertyValue('--unsure')")
    red, green, blue = (int(part) for part in unsure.split(","))
    assert red == green == blue  # a grey scale: no class colour is grey, so "unsure" is never read as a class
    expect(page.locator(".legend-heat")).to_be_visible()


def test_painting_while_playing_covers_every_frame_to_the_one_on_screen_when_the_key_comes_up(
        page: Page, live_server, tmp_path):
    """Hold a class key, play, pause, release (issue 29): under load Chromium presents few of the frames it
    plays, so the paint must reach the frame on screen at key-up whether or not the others were shown. A pause
    there settles late, and in a few percent of tries on a frame Chromium never reports (seen under CI's load)."""
    from labelling.selectors import get_current_label_set
    from videos.tests.numbered_video import write_numbered_video

    project = make_project(classes=["road", "junction"])
    road, junction = project.classes.all()
    video = ingest(project, write_numbered_video(tmp_path / "long.mp4", count=240, fps=24, gop=24))
    log_in(page, live_server, add_member(project, Role.LABELLER))
    open_player(page, live_server, video)
    page.keyboard.press("g")
    page.keyboard.type("80")
    page.keyboard.press("Enter")
    expect_on_screen(page, 80)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 12})  # a busy machine
    page.keyboard.down("2")
    page.keyboard.press(" ")
    page.wait_for_function("() => document.querySelector('video').currentTime > 80 / 24 + 0.7")
    page.keyboard.press(" ")
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.up("2")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    shown = settled_state(page)[2]  # the frame the paused picture shows
    expect_on_screen(page, shown)  # and the player says so, even where Chromium presented it silently
    classes = get_current_label_set(video).label_runs.to_frames()[0]
    assert shown >= 96
    assert (classes[80 : shown + 1] == junction.pk).all() and (classes[:80] == road.pk).all()
    assert (classes[shown + 1 :] == road.pk).all()


def test_the_go_to_field_never_traps_the_keyboard_nor_keeps_a_stale_number(page: Page, live_server, on_player):
    field = page.get_by_test_id("goto")
    page.keyboard.press("g")
    page.keyboard.type("99999")
    page.keyboard.press("Enter")
    expect_on_screen(page, 47)  # the last frame, said, with no browser tooltip in the way
    expect(page.locator("[data-status]")).to_have_text("The last frame is 47.")
    page.keyboard.press("ArrowLeft")
    expect_on_screen(page, 46)
    page.keyboard.press("g")
    page.keyboard.press("Delete")
    page.keyboard.type("abc")  # a number field takes no letters: nothing to go to
    page.keyboard.press("Enter")
    expect(page.locator("[data-status]")).to_have_text("Type a frame number from 0 to 47.")
    expect(field).not_to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect_on_screen(page, 45)
    page.keyboard.press("g")
    expect(field).to_have_value("45")
    page.keyboard.press("Escape")
    expect(field).not_to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect_on_screen(page, 44)
    page.get_by_role("link", name="Videos").first.click()
    page.go_back()
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true")
    expect(field).to_have_value("")


def test_the_player_keeps_its_frame_in_the_address_and_who_labelled_follows_it(page: Page, live_server,
                                                                              on_player, tmp_path):
    import re

    page.keyboard.press("g")
    page.keyboard.type("20")
    page.keyboard.press("Enter")
    expect_on_screen(page, 20)
    expect(page).to_have_url(re.compile(r"\?frame=20$"))
    page.reload()
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true")
    expect_on_screen(page, 20)
    page.get_by_role("button", name="Who labelled this frame?").click()
    expect(page.get_by_test_id("frame-history")).to_contain_text("Frame 20")
    page.keyboard.press("ArrowRight")
    expect_on_screen(page, 21)
    expect(page.get_by_test_id("frame-history")).to_contain_text("Frame 21")
    expect(page).to_have_url(re.compile(r"\?frame=21$"))
    page.screenshot(path=tmp_path / "player-frame.png")
    page.goto(f"{live_server.url}/videos/{on_player.pk}/?frame=%C2%B2")  # not a frame: the start
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true")
    expect_on_screen(page, 0)
