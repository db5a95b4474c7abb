"""The Train page as a new user meets it (issue 13), in Debian Chromium: only backbones that can train
here are offered, the form keeps what was chosen, and the live card sits on top with no script errors."""

import pytest
from playwright.sync_api import Page, expect

from learning.tests.factories import labelled_project
from projects.models import Role
from projects.tests.factories import add_member
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_train_page_offers_what_can_train_here_and_keeps_the_choices(page: Page, live_server, settings,
                                                                         shots_video):
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



def test_a_trained_model_shows_its_confusion_and_the_same_numbers_everywhere(page: Page, live_server, tmp_path,
                                                                             shots_video):
    from django.core.management import call_command

    project, _ = labelled_project(shots_video)
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/train/")
    expect(page.get_by_test_id("no-training")).to_contain_text("people have labelled 10 frames, so train a model")
    train_form = page.get_by_role("button", name="Train", exact=True).bounding_box()["y"]
    assert train_form < page.get_by_role("heading", name="Blitz Label: collect frames of reviewed videos") \
        .bounding_box()["y"]  # the main form first
    call_command("train", "Shots", "--head-only", "--epochs", "2", "--val-split", "0.3")
    page.reload()
    confusion = page.get_by_test_id("confusion")
    expect(confusion.locator("tbody tr")).to_have_count(2)  # a row per class learnt (c has no labels yet)
    expect(confusion.locator("thead")).to_contain_text("true ↓ said →")
    result = page.get_by_test_id("training-result")
    expect(result).to_contain_text(" %")
    expect(result).to_contain_text("distinct frames of 10 labelled")
    accuracy = result.locator("strong").first.inner_text()
    for width in (1280, 1008):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=tmp_path / f"train-{width}.png", full_page=True)
    page.goto(f"{live_server.url}/projects/{project.pk}/models/")
    row = page.get_by_role("row").nth(1)
    expect(row).to_contain_text(accuracy)  # the same figure, written the same way
    expect(row).to_contain_text("distinct frames of 10 labelled")
    name = row.locator("input[name=name]")
    assert name.evaluate("(input) => input.scrollWidth <= input.clientWidth")  # the whole name shows


def test_every_track_in_one_network_hides_the_single_track_choice(page: Page, live_server, shots_video):
    from projects.services import add_track

    project, _ = labelled_project(shots_video)
    add_track(project=project, name="light", class_names=["day", "night"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/train/")
    expect(page.locator("select[name=track]")).to_be_visible()
    page.get_by_label("Every track in one network").check()
    expect(page.locator("select[name=track]")).to_be_hidden()
    page.get_by_label("Every track in one network").uncheck()
    expect(page.locator("select[name=track]")).to_be_visible()
