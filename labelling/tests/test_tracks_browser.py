"""Several tracks in the player, in Debian Chromium (issue 33): a row per track, stacked and zoomed together; a
class key labels its own track and leaves the others; undo, PgUp/PgDn and the edit list act on the active track
(the one last labelled or clicked); a boundary dragged on one row moves on that track alone."""

import pytest
from playwright.sync_api import Page, expect

from labelling.selectors import get_current_label_set
from labelling.tests.factories import label_as, seek
from projects.models import Role
from projects.tests.factories import add_member, add_track, make_project
from videos.tests.browser import log_in, open_player
from videos.tests.factories import ingest
from videos.tests.numbered_video import write_numbered_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMES = 120
ROW_Y = [25, 57]  # CSS pixels from the timeline's top: the middle of each track's label bar
# The rows' colours as the canvas draws them: road, junction, sunny, rain (the project's first four).
COLOURS = {"road": (78, 121, 167), "junction": (242, 142, 43), "sunny": (225, 87, 89), "rain": (118, 183, 178)}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_numbered_video(tmp_path_factory.mktemp("tracks") / "clip.mp4", count=FRAMES, fps=30)


@pytest.fixture
def two_tracks(clip, page: Page, live_server):
    """A labeller on a video whose road type is road (0-59) and junction (60-119); weather is sunny throughout."""
    project = make_project(classes=["road", "junction"])
    weather = add_track(project, "weather", ["sunny", "rain"])
    video = ingest(project, clip)
    user = add_member(project, Role.LABELLER)
    label_as(user, video, "junction", 60, FRAMES - 1)
    log_in(page, live_server, user)
    open_player(page, live_server, video)
    return video, weather


def names(video, track=None) -> list[str]:
    label_set = get_current_label_set(video, track)
    by_pk = dict(video.project.classes.values_list("pk", "name"))
    return [by_pk[c] for c in label_set.label_runs.to_frames()[0].tolist()]


def colour_at(page: Page, frame: float, row: int) -> str:
    """The class whose colour the timeline shows at `frame` on a track's row."""
    rgb = page.get_by_test_id("timeline").evaluate("""(canvas, [frame, y]) => {
      const view = [Number(canvas.dataset.viewStart), Number(canvas.dataset.viewSpan)];
      const x = (frame - view[0]) / view[1] * canvas.clientWidth;
      return Array.from(canvas.getContext("2d").getImageData(x * devicePixelRatio, y * devicePixelRatio, 1, 1).data);
    }""", [frame, ROW_Y[row]])
    return next(name for name, colour in COLOURS.items()
                if all(abs(a - b) < 8 for a, b in zip(rgb[:3], colour, strict=True)))


def point_at(page: Page, frame: float, row: int) -> tuple[float, float]:
    box = page.get_by_test_id("timeline").bounding_box()
    start, span = page.get_by_test_id("timeline").evaluate(
        "(c) => [Number(c.dataset.viewStart), Number(c.dataset.viewSpan)]")
    return box["x"] + (frame - start) * box["width"] / span, box["y"] + ROW_Y[row]


def test_a_key_labels_its_own_track_and_undo_and_page_down_follow_the_active_track(page: Page, two_tracks):
    video, weather = two_tracks
    status = page.locator("[data-status]")
    assert page.get_by_test_id("timeline").bounding_box()["height"] == 14 + 2 * 32 + 6
    expect(page.get_by_test_id("current-label-0")).to_have_text("road")
    expect(page.get_by_test_id("current-label-1")).to_have_text("sunny")
    assert (colour_at(page, 30, 0), colour_at(page, 90, 0), colour_at(page, 90, 1)) == ("road", "junction", "sunny")

    seek(page, 10)
    page.keyboard.press("i")
    seek(page, 29)
    page.keyboard.press("o")
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("4")  # rain's key: a weather class
    expect(status).to_have_text("Frames 10–29 are now “rain” on “weather”.")
    assert names(video, weather) == ["sunny"] * 10 + ["rain"] * 20 + ["sunny"] * 90
    assert names(video) == ["road"] * 60 + ["junction"] * 60  # the road type stays
    expect(page.locator("[data-player]")).to_have_attribute("data-active-track", "weather")
    expect(page.get_by_test_id("current-label-1")).to_have_text("rain")
    labeller = video.project.memberships.get().user.username
    expect(page.locator("[data-stat=detail][data-row='1']")).to_have_text(f"1.00 · {labeller}")
    expect(page.locator("[data-stat=detail][data-row='0']")).to_have_text("not labelled")
    assert colour_at(page, 20, 1) == "rain" and colour_at(page, 20, 0) == "road"

    seek(page, 0)
    page.keyboard.press("PageDown")
    expect(status).to_have_text("Change on “weather”: frame 10.")
    seek(page, 10)
    page.mouse.click(*point_at(page, 5.5, 0))  # a click on the road-type row makes it the active track
    expect(page.locator("[data-player]")).to_have_attribute("data-active-track", "class")
    page.keyboard.press("PageDown")
    expect(status).to_have_text("Change on “class”: frame 60.")
    seek(page, 60)

    page.get_by_role("button", name="weather", exact=True).click()  # its name makes it the active track too
    expect(page.get_by_role("button", name="weather", exact=True)).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda r: r.url.endswith("/undo/") and r.ok):
        page.keyboard.press("Control+z")
    expect(status).to_have_text("Undone on “weather”.")
    assert names(video, weather) == ["sunny"] * FRAMES and names(video)[60:] == ["junction"] * 60


def test_a_boundary_dragged_on_one_row_moves_on_that_track_alone_and_zoom_moves_every_row(page: Page, two_tracks):
    video, weather = two_tracks
    label_as(video.project.memberships.get().user, video, "rain", 60, FRAMES - 1)
    page.reload()
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true")
    x, y = point_at(page, 60, 1)
    page.mouse.move(x, y)
    expect(page.get_by_test_id("timeline")).to_have_css("cursor", "ew-resize")
    page.mouse.down()
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.mouse.move(*point_at(page, 80, 1), steps=5)
        page.mouse.up()
    assert names(video, weather) == ["sunny"] * 80 + ["rain"] * 40
    assert names(video) == ["road"] * 60 + ["junction"] * 60
    expect(page.locator("[data-status]")).to_have_text("Frames 60–79 are now “sunny” on “weather”.")

    page.mouse.move(*point_at(page, 70, 0))
    page.mouse.wheel(0, -600)  # over the first row: both rows zoom, one view
    start, span = page.get_by_test_id("timeline").evaluate(
        "(c) => [Number(c.dataset.viewStart), Number(c.dataset.viewSpan)]")
    assert span < FRAMES / 2 and start < 59 and 81 < start + span
    assert (colour_at(page, 59.5, 0), colour_at(page, 60.5, 0)) == ("road", "junction")
    assert (colour_at(page, 79.5, 1), colour_at(page, 80.5, 1)) == ("sunny", "rain")
