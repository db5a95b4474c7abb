"""Real Debian Chromium against the live server: uploads, Range serving and frame-exact seeking."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Role
from projects.tests.factories import PASSWORD, add_member, make_project
from videos.tests.test_views import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READ_BIT_STRIP = """(video) => {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const context = canvas.getContext("2d");
  context.drawImage(video, 0, 0);
  const row = context.getImageData(0, 12, canvas.width, 1).data;
  let number = 0;
  for (let bit = 0; bit < 12; bit++) if (row[(bit * 20 + 10) * 4] > 127) number |= 1 << bit;
  return number;
}"""


def log_in(page: Page, live_server, user) -> None:
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))  # escaped HTML never runs
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()


def test_upload_three_videos_at_once_and_see_them_probed(page: Page, live_server, broker, worker, video_files):
    project = make_project(name="<img src=x onerror=alert(1)>", classes=["<script>alert(2)</script>", "b"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    page.get_by_test_id("upload-input").set_input_files(
        [video_files["cfr.mp4"], video_files["vp9.webm"], video_files["old.avi"]]
    )
    ready = page.locator("tr[data-video-status=ready]")
    expect(ready).to_have_count(3, timeout=60_000)
    counts = sorted(page.locator("tr[data-video-status=ready] [data-testid=frame-count]").all_inner_texts())
    assert counts == ["48", "48", "48"]
    expect(page.locator(".upload-item.done")).to_have_count(3)


def test_a_non_video_upload_shows_why(page: Page, live_server, broker, worker, bad_files):
    project = make_project()
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    page.get_by_test_id("upload-input").set_input_files([bad_files["empty.mp4"], bad_files["page.mp4"]])
    expect(page.locator(".upload-item.failed")).to_contain_text("is empty")
    expect(page.locator("tr[data-video-status=failed]")).to_contain_text("not a video file", timeout=30_000)


@pytest.mark.parametrize("name", ["cfr.mp4", "vp9.webm", "old.avi", "vfr.mkv", "late-start.webm"])
def test_the_player_seeks_to_exact_frames(page: Page, live_server, video_files, name):
    project = make_project()
    video = ingest(project, video_files[name])
    log_in(page, live_server, add_member(project, Role.VIEWER))
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    player = page.locator("[data-player]")
    expect(player).to_have_attribute("data-current-frame", "0", timeout=20_000)
    last = video.frame_count - 1
    for frame in [7, 1, last, 17, 0]:
        page.evaluate("(frame) => window.aigvaPlayer.seekToFrame(frame)", frame)
        expect(player).to_have_attribute("data-current-frame", str(frame))
        expect(page.get_by_test_id("current-frame")).to_have_text(str(frame))
        assert page.get_by_test_id("player-video").evaluate(READ_BIT_STRIP) == frame
    page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-current-frame", "1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(player).to_have_attribute("data-current-frame", "1")
    assert page.get_by_test_id("player-video").evaluate(READ_BIT_STRIP) == 1
