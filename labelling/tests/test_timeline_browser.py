"""The zoomable timeline in Debian Chromium (issue 13): zoom around the pointer and the playhead, pan,
exact frames under the pointer when zoomed in, label boundaries dragged into place as one edit."""

import pytest
from playwright.sync_api import Page, expect

from labelling.services import label_range
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import expect_on_screen, log_in, open_player
from videos.tests.factories import ingest
from videos.tests.numbered_video import write_numbered_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMES = 600
LABEL_BAR_Y = 25  # CSS pixels from the top of the timeline: the middle of the label bar


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory):
    return write_numbered_video(tmp_path_factory.mktemp("timeline") / "long.mp4", count=FRAMES, fps=30)


@pytest.fixture
def labelled(long_clip, page: Page, live_server):
    """A labeller on the player of a video labelled road (0-299) and junction (300-599) by a person."""
    project = make_project(classes=["road", "junction"])
    road, junction = project.classes.all()
    video = ingest(project, long_clip)
    label_set = video.label_sets.get(is_current=True)
    user = add_member(project, Role.LABELLER)
    label_range(label_set=label_set, start=300, end=FRAMES - 1, label_class=junction, user=user)
    log_in(page, live_server, user)
    open_player(page, live_server, video)
    return label_set, road.pk, junction.pk


def view(page: Page) -> tuple[float, float]:
    """(first frame, frames shown) of the timeline's window."""
    return tuple(page.get_by_test_id("timeline").evaluate(
        "(c) => [Number(c.dataset.viewStart), Number(c.dataset.viewSpan)]"))


def point_at(page: Page, frame: float) -> tuple[float, float]:
    """Page coordinates of `frame` (a fraction picks a spot within its column) on the label bar."""
    box = page.get_by_test_id("timeline").bounding_box()
    start, span = view(page)
    return box["x"] + (frame - start) * box["width"] / span, box["y"] + LABEL_BAR_Y


def frame_under(page: Page, x: float) -> float:
    box = page.get_by_test_id("timeline").bounding_box()
    start, span = view(page)
    return start + (x - box["x"]) * span / box["width"]


def stored(label_set) -> list[int]:
    label_set.refresh_from_db()
    return label_set.label_runs.to_frames()[0].tolist()


def test_the_wheel_zooms_around_the_pointer_and_dragging_pans(page: Page, labelled):
    assert view(page) == (0, FRAMES)
    x, y = point_at(page, 450.5)
    page.mouse.move(x, y)
    page.mouse.wheel(0, -400)
    expect(page.get_by_test_id("timeline")).not_to_have_attribute("data-view-span", f"{FRAMES:.3f}")
    start, span = view(page)
    assert span < FRAMES / 1.5 and abs(frame_under(page, x) - 450.5) < 0.5  # the frame under the pointer stays
    page.mouse.wheel(0, 400)
    page.mouse.wheel(0, 400)
    assert view(page) == (0, FRAMES)  # zoomed out no further than the whole video

    page.mouse.wheel(0, -800)
    start, span = view(page)
    box = page.get_by_test_id("timeline").bounding_box()
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y, steps=4)
    page.mouse.up()
    moved_start, moved_span = view(page)
    assert moved_span == span and moved_start == pytest.approx(start + 60 * span / box["width"], abs=0.01)
    expect(page.get_by_test_id("current-frame")).to_have_text("0")  # a drag is not a click

    page.keyboard.press("Backslash")
    assert view(page) == (0, FRAMES)
    page.mouse.click(*point_at(page, 200.5))
    expect_on_screen(page, 200)
    page.keyboard.press("+")
    start, span = view(page)
    assert span == FRAMES / 2 and start <= 200 < start + span
    page.keyboard.press("-")
    assert view(page)[1] == FRAMES

    page.keyboard.press("+")
    page.keyboard.press("+")
    overview = page.get_by_test_id("timeline-overview").bounding_box()
    page.mouse.click(overview["x"] + overview["width"] * 0.75, overview["y"] + overview["height"] / 2)
    start, span = view(page)
    assert span == FRAMES / 4 and start + span / 2 == pytest.approx(450, abs=1)  # the window moved there
    page.get_by_test_id("timeline-overview").dblclick()
    assert view(page) == (0, FRAMES)


def test_clicks_land_on_the_exact_frame_when_zoomed_in(page: Page, labelled):
    for _ in range(6):
        page.keyboard.press("+")  # around the playhead (frame 0): as far as a frame may grow
    start, span = view(page)
    box = page.get_by_test_id("timeline").bounding_box()
    assert start < 1 and box["width"] / span >= 30
    for frame, spot in [(3, 0.5), (4, 0.08), (4, 0.92), (11, 0.5), (int(span) - 2, 0.3)]:
        page.mouse.click(*point_at(page, frame + spot))
        expect_on_screen(page, frame)

    page.evaluate("() => window.aigvaPlayer.seekToFrame(300)")  # a jump out of view turns the page
    expect_on_screen(page, 300)
    start, span = view(page)
    assert start <= 300 < start + span
    page.keyboard.press("Space")  # playing runs past the window's end (about 22 frames) within a second
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")
    page.wait_for_timeout(200)
    frame = int(page.get_by_test_id("current-frame").inner_text())
    start, span = view(page)
    assert frame > 300 + span and start <= frame < start + span


def test_dragging_a_label_edge_moves_the_boundary_as_one_undoable_edit(page: Page, labelled):
    label_set, road, junction = labelled
    page.evaluate("() => window.aigvaPlayer.seekToFrame(300)")
    expect_on_screen(page, 300)
    for _ in range(4):
        page.keyboard.press("+")
    edits = label_set.edits.count()

    x, y = point_at(page, 300)
    page.mouse.move(x, y)
    expect(page.get_by_test_id("timeline")).to_have_css("cursor", "ew-resize")
    page.mouse.down()
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.mouse.move(*point_at(page, 310), steps=5)
        page.mouse.up()
    assert stored(label_set) == [road] * 310 + [junction] * (FRAMES - 310)
    assert label_set.edits.count() == edits + 1
    expect(page.locator("[data-status]")).to_have_text("Frames 300–309 are now “road”.")

    page.mouse.move(*point_at(page, 310))
    page.mouse.down()
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.mouse.move(*point_at(page, 296), steps=5)
        page.mouse.up()
    assert stored(label_set) == [road] * 296 + [junction] * (FRAMES - 296)

    with page.expect_response(lambda r: r.url.endswith("/undo/") and r.ok):
        page.keyboard.press("Control+z")
    assert stored(label_set) == [road] * 310 + [junction] * (FRAMES - 310)
    expect(page.get_by_test_id("current-frame")).to_have_text("300")  # dragging an edge does not seek
