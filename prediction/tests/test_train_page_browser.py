"""The Train page as a new user meets it (issue 13), in Debian Chromium: only backbones that can train
here are offered, the form keeps what was chosen, and the live card sits on top with no script errors."""

import pytest
from playwright.sync_api import Page, expect

from prediction.tests.test_training_browser import shots_video  # noqa: F401 (a fixture)
from prediction.tests.test_training_jobs import labelled_project
from projects.models import Role
from projects.tests.factories import add_member
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_train_page_offers_what_can_train_here_and_keeps_the_choices(page: Page, live_server, settings,
                                                                         shots_video):  # noqa: F811
    settings.AIGVA_ALLOW_RANDOM_INIT = False  # as on a laptop with no ResNet34 weights downloaded
    project, _ = labelled_project(shots_video)
    user = add_member(project, Role.LABELLER)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/train/")
    backbone = page.get_by_label("Backbone")
    assert backbone.locator("option").all_inner_texts() == ["EfficientNet-Lite0, ImageNet weights (ships with AIGVA)"]
    expect(page.get_by_test_id("train-device")).to_contain_text("CPU")

    page.get_by_label("Head only").check()
    page.get_by_label("Propagate labels").check()
    page.fill("input[name=epochs]", "7")
    page.get_by_role("button", name="Train", exact=True).click()
    card = page.get_by_test_id("training")
    expect(card).to_contain_text("head only, with propagation, efficientnet_lite0")
    expect(page.get_by_test_id("chart-waiting")).to_be_visible()  # no worker: still before the first epoch
    page.wait_for_timeout(2500)  # the card polls while it waits
    assert errors == []
    assert card.bounding_box()["y"] < page.get_by_role("button", name="Train", exact=True).bounding_box()["y"]
    expect(page.get_by_label("Head only")).to_be_checked()
    expect(page.get_by_label("Propagate labels")).to_be_checked()
    expect(page.locator("input[name=epochs]")).to_have_value("7")

