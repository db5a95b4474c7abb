"""Export from the page in Debian Chromium (issue 13): a double-click starts one export, and its row
reaches its download link without a reload; the label forms download and read back (issue 33)."""

import json

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from exports.jobs import EXPORT
from projects.models import Job, Role
from projects.tests.factories import add_member, make_project
from projects.tests.workers import worker_process
from videos.tests.browser import log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_click_exports_once_and_the_row_ends_with_its_download(page: Page, live_server, broker, media_root,
                                                                        video_files):
    project = make_project(classes=["road", "junction"])
    ingest(project, video_files["cfr.mp4"])
    user = add_member(project, Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/projects/{project.pk}/export/")
    expect(page.get_by_test_id("export-preview")).to_be_visible()
    page.get_by_test_id("export-zip").dblclick()
    expect(page.locator("tr[id^=export-]")).to_have_count(1)
    assert Job.objects.filter(project=project, kind=EXPORT).count() == 1
    with worker_process(media_root):
        expect(page.get_by_test_id("export-download")).to_be_visible(timeout=60_000)  # no reload
    expect(page.locator("tr[id^=export-]")).to_contain_text("Succeeded")


@pytest.mark.parametrize("button, check", [
    ("Download labels (CSV)", lambda path: pd.read_csv(path)["frame"].tolist() == list(range(48))),
    ("Download segments (ActivityNet)",
     lambda path: json.loads(path.read_text())["database"]["cfr.mp4"]["annotations"][0]["frames"] == [0, 47]),
])
def test_the_label_forms_download_from_the_page_and_read_back(page: Page, live_server, video_files, tmp_path, button,
                                                              check):
    project = make_project(classes=["road", "junction"])
    ingest(project, video_files["cfr.mp4"])
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/export/")
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix in (".csv", ".json") and check(saved)
