"""The small defects a new user met in the first hour (issue 13, item 8), each driven in Debian Chromium."""

import pytest
from playwright.sync_api import Page, expect

from exports.jobs import EXPORT
from learning.jobs import SAMPLE, TRAIN
from prediction.models import Model
from projects.models import Job, JobStatus, Project, Role
from projects.tests.factories import add_member, make_project
from videos.models import VideoStatus
from videos.tests.browser import log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG = ("A very long name somebody typed in full because they could " * 3)[:120]


def test_the_new_project_default_class_is_chosen_from_the_classes_typed(page: Page, live_server):
    user = add_member(make_project(), Role.MANAGER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/new/")
    page.get_by_label("Name").fill("Dashcam")
    page.get_by_label("Classes").fill("road, junction\nparking")
    default = page.get_by_label("Default class")
    assert default.locator("option").all_inner_texts() == ["The first class", "road", "junction", "parking"]
    default.select_option("junction")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Dashcam: videos")).to_be_visible()
    assert Project.objects.get(name="Dashcam").first_track.default_class.name == "junction"


def test_at_1008_pixels_the_sidebar_folds_and_long_names_never_push_pages_sideways(page: Page, live_server,
                                                                                 video_files):
    project = make_project(name=LONG)
    video = ingest(project, video_files["cfr.mp4"])
    video.name = ("dashcam_" * 20)[:116] + ".mp4"
    video.save(update_fields=["name"])
    Model.objects.create(project=project, name=LONG, kind=Model.Kind.COLD, classes=["road"])
    Job.objects.create(project=project, kind=EXPORT, status=JobStatus.SUCCEEDED,
                       options={"frame_skip": 1, "quality": 90})
    page.set_viewport_size({"width": 1008, "height": 800})
    log_in(page, live_server, add_member(project, Role.MANAGER))
    for path in ("videos", "models", "export", "train", "samples"):
        page.goto(f"{live_server.url}/projects/{project.pk}/{path}/")
        expect(page.locator("#layout")).to_have_class("layout collapsed")
        sideways = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways == 0, path
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    delete = page.get_by_role("link", name="Delete…")
    assert delete.bounding_box()["x"] + delete.bounding_box()["width"] <= 1008


def test_uploads_that_fail_show_no_full_bar_and_every_line_can_be_dismissed(page: Page, live_server, bad_files):
    project = make_project()
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    page.get_by_test_id("upload-input").set_input_files([bad_files["empty.mp4"], bad_files["page.mp4"]])
    refused = page.locator(".upload-item.failed")
    expect(refused).to_have_count(2)
    expect(refused.locator("progress")).to_have_count(0)  # the bytes went, but nothing was kept
    refused.filter(has_text="empty.mp4").get_by_role("button", name="Dismiss empty.mp4").click()
    expect(page.locator(".upload-item")).to_have_count(1)
    page.get_by_role("button", name="Clear finished uploads").click()
    expect(page.locator(".upload-item")).to_have_count(0)
    expect(page.get_by_role("button", name="Clear finished uploads")).to_be_hidden()


def test_the_dashboard_says_how_many_videos_failed(page: Page, live_server, video_files):
    project = make_project()
    ingest(project, video_files["cfr.mp4"])
    broken = ingest(project, video_files["vp9.webm"])
    broken.status = VideoStatus.FAILED
    broken.save(update_fields=["status"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    expect(page.get_by_test_id("count-videos")).to_have_text("2 (1 failed)")


def test_sampling_keeps_its_choices_and_says_why_it_gave_fewer(page: Page, live_server, video_files):
    project = make_project()
    ingest(project, video_files["cfr.mp4"])
    Job.objects.create(project=project, kind=SAMPLE, status=JobStatus.SUCCEEDED, options={
        "videos": [], "per_video": 30, "method": "unique", "stride_seconds": 1.0, "threshold": 8},
        metrics={"videos": 1, "samples": 25, "asked": 30, "notes": ["cfr.mp4 has only 25 frames that differ"]})
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/")
    expect(page.get_by_label("Method")).to_have_value("unique")
    expect(page.get_by_label("Frames per video")).to_have_value("30")
    expect(page.locator("[data-job-status=succeeded]")).to_have_text(
        "Succeeded: 25 new samples of 30 asked: cfr.mp4 has only 25 frames that differ")


def test_the_loop_links_on_and_models_are_named_and_renamed(page: Page, live_server, video_files):
    from learning import actors, services

    project = make_project()
    video = ingest(project, video_files["cfr.mp4"])
    user = add_member(project, Role.LABELLER)
    actors.sample_frames(services.start_sampling(project=project, videos=[video], per_video=2, method="uniform",
                                                 started_by=None, enqueue=False).pk)
    for sample in video.samples.all():  # every sample answered: the labelling page says what comes next
        services.label_sample(sample=sample, label_class=project.classes.first(), user=user)
    older = Model.objects.create(project=project, name="Cold Label #1 · 80.0 %", kind=Model.Kind.COLD, classes=["road"])
    model = Model.objects.create(project=project, name="Cold Label #2 · 96.4 % · head", kind=Model.Kind.COLD,
                                 classes=["road"])
    Job.objects.create(project=project, kind=TRAIN, status=JobStatus.SUCCEEDED,
                       options={"kind": "cold", "head_only": True},
                       metrics={"model": older.pk, "accuracy": 0.8, "evaluated_on": "validation"})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/label/")
    page.get_by_test_id("train-link").click()
    expect(page.get_by_role("heading", name="train a model")).to_be_visible()
    page.get_by_test_id("predict-with-it").click()
    expect(page.get_by_label("Model:")).to_have_value(str(older.pk))  # the one just trained, not the newest
    assert page.get_by_label("Model:").locator("option").all_inner_texts() == [
        "Cold Label #2 · 96.4 % · head", "Cold Label #1 · 80.0 %"]
    page.get_by_role("button", name="Predict", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Predicting 1 video with Cold Label #1")
    page.get_by_label(f"Name of model {model.pk}").fill("Night shots, head")
    page.get_by_label(f"Name of model {model.pk}").press("Enter")
    expect(page.get_by_label(f"Name of model {model.pk}")).to_have_value("Night shots, head")
    model.refresh_from_db()
    assert model.name == "Night shots, head"
