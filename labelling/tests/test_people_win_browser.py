"""A person's label always wins, in Debian Chromium (L-6): an answer survives a prediction, and an edit
made on a page opened before a prediction finished lands in the current labels, shown in place."""

import pytest
from playwright.sync_api import Page, expect

from labelling.selectors import get_current_label_set
from learning import actors, services
from prediction import services as prediction_services
from prediction.tests.factories import BRIGHTNESS, predict_here
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import expect_on_screen, log_in, open_player
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_answer_survives_predicting_and_a_stale_page_edits_the_current_labels(page: Page, live_server,
                                                                                  video_files, settings):
    settings.AIGVA_CUSTOM_MODELS = BRIGHTNESS
    project = make_project(classes=["dark", "bright"])
    video = ingest(project, video_files["cfr.mp4"])
    job = services.start_sampling(project=project, videos=[video], per_video=2, method="uniform", started_by=None,
                                     enqueue=False)
    actors.sample_frames(job.pk)  # frames 0 and 47
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/label/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    page.keyboard.press("ArrowRight")  # skip frame 0
    expect(page.get_by_test_id("sample-frame")).to_have_text("47")
    page.get_by_role("button", name="bright").click()  # the brightness model says "dark" for every frame
    expect(page.get_by_test_id("samples-done")).to_be_visible()

    model = prediction_services.register_custom(project=project, custom_name="brightness", created_by=None)
    assert predict_here(model, video).status == "succeeded"
    player = open_player(page, live_server, video)
    page.evaluate("window.aigvaPlayer.seekToFrame(47)")
    expect_on_screen(page, 47)
    expect(page.get_by_test_id("current-label")).to_have_text("bright")
    expect(player.locator("[data-stat=author]")).to_have_text(user.username)

    opened = get_current_label_set(video)
    assert predict_here(model, video).status == "succeeded"  # finishes while the page is open
    page.evaluate("window.aigvaPlayer.seekToFrame(10)")
    expect_on_screen(page, 10)
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("2")  # "bright" for frame 10
    current = get_current_label_set(video)
    assert current.pk != opened.pk
    classes, authors = current.label_runs.to_frames()
    assert authors[10] == user.pk and authors[47] == user.pk and authors[0] == -model.pk
    expect(page.get_by_test_id("current-label")).to_have_text("bright")
    page.evaluate("window.aigvaPlayer.seekToFrame(20)")
    expect_on_screen(page, 20)
    expect(player.locator("[data-stat=author]")).to_have_text(f"model {model.name}")
