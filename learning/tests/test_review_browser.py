"""The Review page and the audit in Debian Chromium (issue 31): the doubtful-run queue's keys (right, a class
for the whole run, back, open in the player), blind audit cards, and the estimate updated by a retrain."""

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from labelling.services import create_label_set
from learning.models import TrainingSample
from prediction.models import Model
from projects.models import Role
from projects.tests.factories import add_member, make_project
from projects.tests.workers import worker_process
from videos.tests.browser import expect_on_screen, log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = [(0, 19), (20, 29), (30, 47)]  # road, junction, road; the model is least sure of the junction


def predicted(video_files):
    project = make_project(name="Dashcam", classes=["road", "junction"])
    road, junction = project.classes.all()
    video = ingest(project, video_files["cfr.mp4"])
    model = Model.objects.create(project=project, name="first model", kind=Model.Kind.CUSTOM)
    classes = np.repeat([road.pk, junction.pk, road.pk], [20, 10, 18])
    confidences = np.repeat([0.99, 0.6, 0.9], [20, 10, 18])
    create_label_set(video=video, class_ids=classes, confidences=confidences, author=-model.pk, source_model=model)
    return project, video


def shown_run(page: Page, start: int) -> None:
    expect(page.get_by_test_id("review-card")).to_have_attribute("data-start", str(start))


def test_the_review_queue_s_keys_accept_relabel_go_back_and_open_the_player(page: Page, live_server, video_files):
    project, video = predicted(video_files)
    road, junction = project.classes.all()
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/review/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    shown_run(page, 20)
    expect(page.get_by_test_id("run-class")).to_have_text("junction")
    expect(page.get_by_test_id("review-card").locator("img")).to_have_count(3)  # first, middle and last frames
    page.keyboard.press("Enter")  # right
    shown_run(page, 30)
    page.keyboard.press("2")  # the whole run is junction
    shown_run(page, 0)
    runs = video.label_sets.get(is_current=True).label_runs
    assert runs.at(25) == (junction.pk, user.pk) and runs.at(40) == (junction.pk, user.pk)
    assert runs.at(5)[1] < 0  # not judged yet: still the model's
    page.keyboard.press("Backspace")
    shown_run(page, 30)
    expect(page.get_by_test_id("review-card")).to_contain_text("checked by a person")
    page.keyboard.press("Backspace")
    shown_run(page, 20)
    page.screenshot(path="/tmp/review-page.png", full_page=True)
    page.keyboard.press("s")  # split it in the player, at its first frame
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true", timeout=20_000)
    expect_on_screen(page, 20)
    page.get_by_test_id("back-to-review").click()  # split, then back to the queue
    shown_run(page, 0)


def test_the_audit_is_blind_and_the_estimate_follows_a_retrain(page: Page, live_server, video_files, broker,
                                                               media_root):
    project, video = predicted(video_files)
    road, junction = project.classes.all()
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/review/")
    expect(page.get_by_test_id("stopping-rule")).to_contain_text("Answer the audit")
    page.get_by_test_id("draw-audit").click()
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    audit = TrainingSample.objects.filter(project=project, source=TrainingSample.Source.AUDIT)
    total, answered = audit.count(), []
    for _ in range(total):
        frame = int(page.get_by_test_id("audit-frame").inner_text())
        expect(page.get_by_test_id("audit-card")).not_to_contain_text("confidence")  # blind: no model guess
        answered.append(frame)
        page.keyboard.press("2" if 20 <= frame < 30 else "1")
        expect(page.get_by_test_id("audit-progress")).to_have_text(f"{len(answered)} / {total}")
    expect(page.get_by_test_id("audit-done")).to_be_visible()
    page.keyboard.press("Backspace")
    expect(page.get_by_test_id("audit-frame")).to_have_text(str(answered[-1]))
    expect(page.get_by_test_id("audit-answer")).to_be_visible()
    assert all(sample.labelled_by_id == user.pk for sample in audit)

    page.goto(f"{live_server.url}/projects/{project.pk}/review/")
    estimate = page.get_by_test_id("project-estimate")
    expect(estimate).to_contain_text(f"{total} frames audited")
    expect(page.get_by_test_id("estimate")).to_contain_text("first model")
    accepted = set()
    while accepted != {"road", "junction"}:  # runs of both classes checked: enough to train on
        card = page.get_by_test_id("review-card")
        accepted.add(page.get_by_test_id("run-class").inner_text())
        shown = (card.get_attribute("data-video"), card.get_attribute("data-start"))
        page.keyboard.press("Enter")
        expect(card).not_to_have_attribute("data-start", shown[1])
    with worker_process(media_root, AIGVA_ALLOW_RANDOM_INIT="true"):
        page.get_by_test_id("retrain-button").click()
        expect(page.get_by_test_id("retrain")).to_have_attribute("data-job-status", "succeeded", timeout=90_000)
    new_model = Model.objects.exclude(name="first model").get(project=project)
    expect(page.get_by_test_id("estimate")).to_contain_text(new_model.name)  # worked out again for its labels
    expect(estimate).to_contain_text(f"{total} frames audited")
    runs = video.label_sets.get(is_current=True).label_runs
    assert all(runs.at(frame)[1] == user.pk for frame in answered)  # no prediction replaced an answer
    page.screenshot(path="/tmp/review-estimate.png", full_page=True)
