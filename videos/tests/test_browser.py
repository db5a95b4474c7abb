"""Real Debian Chromium against the live server: uploads, Range serving and frame-exact seeking."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.models import Video
from videos.tests.browser import expect_on_screen, log_in, open_player
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    page.get_by_test_id("upload-input").set_input_files(
        [bad_files["empty.mp4"], bad_files["page.mp4"], bad_files["zeroed.mp4"]])
    refused = page.locator(".upload-item.failed")
    expect(refused.filter(has_text="empty.mp4")).to_contain_text("is empty")
    expect(refused.filter(has_text="page.mp4")).to_contain_text("not a video file")
    failed = page.locator("tr[data-video-status=failed]")
    expect(failed).to_have_count(1, timeout=30_000)  # only the file that looked like a video got a row
    expect(failed).to_contain_text("damaged")
    failed.get_by_role("button", name="Retry").dblclick()
    video = Video.objects.get(project=project)
    for _ in range(60):  # the second probe runs on the worker and fails the same way
        if video.jobs.filter(status="failed").count() == 2:
            break
        page.wait_for_timeout(500)
    assert video.jobs.count() == 2 and video.jobs.filter(status="failed").count() == 2  # one retry, not two
    expect(page.locator("tr[data-video-status=failed]")).to_contain_text("damaged", timeout=10_000)


@pytest.mark.parametrize("name", ["old.avi"])
def test_a_playback_copy_is_served_with_ranges_and_seeks_exactly(page: Page, live_server, video_files, name):
    project = make_project()
    video = ingest(project, video_files[name])
    log_in(page, live_server, add_member(project, Role.VIEWER))
    open_player(page, live_server, video)
    for frame in [7, 1, video.frame_count - 1, 17, 0]:
        page.evaluate("(frame) => window.aigvaPlayer.seekToFrame(frame)", frame)
        expect_on_screen(page, frame)
