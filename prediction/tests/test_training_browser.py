"""A training job started from the page runs on a real worker while the chart fills in, epoch by epoch."""

import pytest
from playwright.sync_api import Page, expect

from prediction.models import Model
from prediction.tests.test_training_jobs import SHOTS, labelled_project
from projects.models import Role
from projects.tests.factories import add_member
from projects.tests.workers import worker_process
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    from labelling.tests.shots import write_shots_video

    return write_shots_video(tmp_path_factory.mktemp("shots") / "shots.mp4", SHOTS)


def test_fine_tuning_from_the_page_shows_live_epochs(page: Page, live_server, broker, media_root, shots_video):
    project, _ = labelled_project(shots_video)
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/train/")
    page.fill("input[name=epochs]", "3")
    page.fill("input[name=patience]", "5")
    with worker_process(media_root, AIGVA_ALLOW_RANDOM_INIT="true"):
        page.get_by_role("button", name="Train").click()
        chart = page.locator("[data-training-chart]")
        expect(chart).to_have_attribute("data-epochs", "1", timeout=60_000)  # while the job still runs
        expect(page.get_by_test_id("training")).to_have_attribute("data-job-status", "running")
        expect(page.get_by_test_id("training-result")).to_be_visible(timeout=90_000)
    expect(chart).to_have_attribute("data-epochs", "3")
    assert page.locator("[data-training-chart]").evaluate("(canvas) => !!window.Chart.getChart(canvas)")
    page.screenshot(path="/tmp/training.png", full_page=True)
    model = Model.objects.get(project=project)
    assert model.kind == Model.Kind.COLD and len(model.metrics["history"]) == 3 and model.size > 1_000_000
