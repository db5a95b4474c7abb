"""A training job started from the page runs on a real worker while the chart fills in, epoch by epoch."""

import re

import pytest
from playwright.sync_api import Page, expect

from learning.tests.factories import labelled_project
from prediction.models import Model
from projects.models import Role
from projects.tests.factories import add_member
from projects.tests.workers import worker_process
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fine_tuning_from_the_page_shows_live_epochs(page: Page, live_server, broker, media_root, shots_video):
    project, _ = labelled_project(shots_video)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/train/")
    page.fill("input[name=epochs]", "8")  # enough that a poll (each second) sees some but not all of them
    page.fill("input[name=patience]", "10")
    page.fill("input[name=val_split]", "0")  # one video: validation would cross-validate first
    with worker_process(media_root, AIGVA_ALLOW_RANDOM_INIT="true"):
        page.get_by_role("button", name="Train", exact=True).click()
        chart = page.locator("[data-training-chart]")
        expect(chart).to_have_attribute("data-epochs", re.compile(r"^[1-7]$"), timeout=60_000)  # while it runs
        expect(page.get_by_test_id("training")).to_have_attribute("data-job-status", "running")
        expect(page.get_by_test_id("training-result")).to_be_visible(timeout=90_000)
    expect(chart).to_have_attribute("data-epochs", "8")
    assert page.locator("[data-training-chart]").evaluate("(canvas) => !!window.Chart.getChart(canvas)")
    page.screenshot(path="/tmp/training.png", full_page=True)
    model = Model.objects.get(project=project)
    assert model.kind == Model.Kind.HUMAN and len(model.metrics["history"]) == 8 and model.size > 1_000_000


def test_retrain_and_update_from_the_player_redraws_the_timeline(page: Page, live_server, broker, media_root,
                                                                 shots_video):
    from videos.tests.browser import open_player

    project, video = labelled_project(shots_video)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    player = open_player(page, live_server, video)
    page.evaluate("window.aigvaPlayer.seekToFrame(5)")
    expect(player).to_have_attribute("data-current-frame", "5")
    expect(player.locator("[data-stat=author]")).to_have_text("default")  # frame 5 was not sampled
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("3")  # the person says frame 5 is "c"
    expect(player.locator("[data-stat=author]")).to_have_text(user.username)
    with worker_process(media_root, AIGVA_ALLOW_RANDOM_INIT="true"):
        page.get_by_test_id("retrain-button").click()
        expect(page.get_by_test_id("retrain")).to_have_attribute("data-job-status", "succeeded", timeout=90_000)
    expect(page.get_by_test_id("retrain")).to_contain_text("updated 1 video")
    model = Model.objects.get(project=project)
    page.evaluate("window.aigvaPlayer.seekToFrame(6)")
    expect(player.locator("[data-stat=author]")).to_have_text(f"model {model.name}")  # redrawn in place
    expect(page.locator("[data-status]")).to_have_text("Predictions updated.")
    page.evaluate("window.aigvaPlayer.seekToFrame(5)")
    expect(player.locator("[data-stat=label]")).to_have_text("c")  # the person's label won
    with page.expect_response(lambda r: r.url.endswith("/undo/") and r.ok):
        page.keyboard.press("Control+z")  # and undo still reaches it, on the new labels
    expect(player.locator("[data-stat=author]")).to_have_text(f"model {model.name}")
