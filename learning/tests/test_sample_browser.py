"""Cold Label's one-frame-at-a-time labelling in Debian Chromium (C-2): keys, back, skip, progress."""

import pytest
from playwright.sync_api import Page, expect

from learning.models import TrainingSample
from learning.tests.factories import sample_uniformly
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import expect_on_screen, log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer(page: Page, key: str, next_frame: int | None) -> None:
    page.keyboard.press(key)
    if next_frame is None:
        expect(page.get_by_test_id("samples-done")).to_be_visible()
    else:
        expect(page.get_by_test_id("sample-frame")).to_have_text(str(next_frame))


def test_label_samples_with_keys_back_and_skip(page: Page, live_server, video_files):
    project = make_project(classes=["road", "junction", "parking"])
    road, junction, parking = project.classes.all()
    video = ingest(project, video_files["cfr.mp4"])
    sample_uniformly(project, [video], 4)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/")
    page.get_by_test_id("start-labelling").click()

    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    expect(page.get_by_test_id("sample-frame")).to_have_text("0")
    expect(page.get_by_test_id("sample-progress")).to_have_text("0 / 4")
    answer(page, "1", 16)
    answer(page, "2", 31)
    answer(page, "Backspace", 16)  # back to fix a mistake
    expect(page.get_by_test_id("sample-current-label")).to_have_text("junction")
    answer(page, "3", 31)
    answer(page, "ArrowRight", 47)  # skip
    expect(page.get_by_test_id("sample-progress")).to_have_text("3 / 4")
    page.get_by_role("button", name="road").click()
    expect(page.get_by_test_id("samples-done")).to_be_visible()
    expect(page.get_by_test_id("sample-progress")).to_have_text("4 / 4")

    samples = TrainingSample.objects.filter(video=video).order_by("frame")
    assert [(s.frame, s.label_id, s.skipped) for s in samples] == [
        (0, road.pk, False), (16, parking.pk, False), (31, None, True), (47, road.pk, False)]
    assert {s.labelled_by_id for s in samples} == {user.pk}

    page.goto(f"{live_server.url}/projects/{project.pk}/samples/label/?sample={samples[1].pk}")
    page.get_by_test_id("open-in-player").click()
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true", timeout=20_000)
    expect_on_screen(page, 16)


def test_samples_made_from_the_page_can_be_labelled_without_reloading(page: Page, live_server, broker, media_root,
                                                                      video_files):
    from projects.tests.workers import worker_process

    project = make_project(classes=["road", "junction"])
    ingest(project, video_files["cfr.mp4"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/")
    expect(page.get_by_test_id("start-labelling")).to_have_count(0)
    page.fill("input[name=per_video]", "3")
    with worker_process(media_root):
        page.get_by_role("button", name="Sample", exact=True).click()
        expect(page.get_by_test_id("start-labelling")).to_contain_text("0 of 3 done", timeout=60_000)


def test_the_done_page_goes_back_lists_every_answer_and_offers_skipped_samples_again(page: Page, live_server,
                                                                                   video_files, tmp_path):
    project = make_project(classes=["road", "junction", "parking"])
    road, junction, parking = project.classes.all()
    video = ingest(project, video_files["cfr.mp4"])
    sample_uniformly(project, [video], 4)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/label/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    for key, next_frame in (("1", 16), ("ArrowRight", 31), ("2", 47), ("3", None)):
        answer(page, key, next_frame)
    answer(page, "Backspace", 47)  # the last answer can be fixed from the done page
    expect(page.get_by_test_id("sample-current-label")).to_have_text("parking")
    answer(page, "1", None)
    page.set_viewport_size({"width": 1008, "height": 700})
    page.screenshot(path=tmp_path / "samples-done.png")
    samples = TrainingSample.objects.filter(video=video).order_by("frame")
    assert [(s.frame, s.label_id, s.skipped) for s in samples] == [
        (0, road.pk, False), (16, None, True), (31, junction.pk, False), (47, road.pk, False)]

    page.get_by_test_id("review-samples").click()
    tiles = page.get_by_test_id("sample-tile")
    expect(tiles).to_have_count(4)
    expect(page.get_by_test_id("sample-who").first).to_contain_text(f"by {user.username}")
    page.screenshot(path=tmp_path / "sample-review.png", full_page=True)
    page.get_by_test_id("show-skipped").click()
    expect(tiles).to_have_count(1)
    expect(page.get_by_test_id("sample-answer")).to_have_text("skipped")

    page.get_by_test_id("reopen-skipped").click()  # skipped samples are offered again
    expect(page.get_by_test_id("sample-frame")).to_have_text("16")
    expect(page.get_by_test_id("sample-progress")).to_have_text("3 / 4")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    answer(page, "3", None)

    page.goto(f"{live_server.url}/projects/{project.pk}/samples/answers/?show=labelled")
    page.locator("[data-testid=sample-tile][data-frame='0'] a").click()  # any answer can be reopened
    expect(page.get_by_test_id("sample-current-label")).to_have_text("road")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    answer(page, "ArrowRight", None)  # moving on leaves an answer as it was
    assert [(s.frame, s.label_id) for s in TrainingSample.objects.filter(video=video).order_by("frame")] == [
        (0, road.pk), (16, parking.pk), (31, junction.pk), (47, road.pk)]
