"""The researcher's first hour, second pass (issue 29): what a new user still tripped on at 1280 and 1008
pixels, each driven in Debian Chromium."""

import pytest
from playwright.sync_api import Page, expect

from exports.jobs import EXPORT
from labelling.services import set_reviewed
from projects.models import Job, JobStatus, Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every word in the element's text whose letters the layout put on more than one line.
BROKEN_WORDS = """(element) => {
  const broken = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.fixture
def project_with_work(video_files):
    project = make_project(name="Dashcam", classes=["road", "junction"])
    first = ingest(project, video_files["cfr.mp4"])
    ingest(project, video_files["vfr.mkv"])
    manager = add_member(project, Role.MANAGER)
    set_reviewed(label_set=first.label_sets.get(is_current=True), reviewed=True, user=manager)
    Job.objects.create(project=project, kind=EXPORT, status=JobStatus.SUCCEEDED,
                       options={"frame_skip": 1, "quality": 90})
    return project, manager


@pytest.mark.parametrize("width", [1280, 1008])
def test_tables_never_break_a_word_and_share_opens_over_the_table(page: Page, live_server, project_with_work,
                                                                  width, tmp_path):
    project, manager = project_with_work
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, manager)
    for path in ("reviews", "videos", "export", "models"):
        page.goto(f"{live_server.url}/projects/{project.pk}/{path}/")
        for table in page.locator("main table").all():
            assert table.evaluate(BROKEN_WORDS) == [], path
    page.goto(f"{live_server.url}/projects/{project.pk}/reviews/")
    table = page.locator("main table").first
    headers = table.locator("thead th")
    before = [box["width"] for box in (th.bounding_box() for th in headers.all())]
    assert len(before) == 8
    page.get_by_text("Share", exact=True).first.click()
    expect(page.get_by_test_id("share-create")).to_be_visible()
    page.screenshot(path=tmp_path / f"review-share-{width}.png")
    assert [box["width"] for box in (th.bounding_box() for th in headers.all())] == before  # nothing squeezed
    assert table.evaluate(BROKEN_WORDS) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0


def test_the_folded_sidebar_names_every_entry_and_no_two_share_an_icon(page: Page, live_server,
                                                                        project_with_work):
    project, manager = project_with_work
    page.set_viewport_size({"width": 1008, "height": 800})
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    expect(page.locator("#layout")).to_have_class("layout collapsed")
    sidebar = page.get_by_role("navigation", name="Main")
    for name in ("Projects", "Videos", "Cold Label", "Train", "Models", "Review", "Export", "Project settings",
                 "Settings"):
        entry = sidebar.get_by_role("link", name=name, exact=True)
        expect(entry).to_be_visible()
        expect(entry).to_have_attribute("title", name)  # the tooltip where only the icon shows
    icons = sidebar.locator(".icon, .brand-mark").all_inner_texts()
    assert len(icons) == len(set(icons)), icons


def test_the_class_table_lines_up_its_headers_with_the_inputs_and_saves_a_row(page: Page, live_server,
                                                                              project_with_work):
    project, manager = project_with_work
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    table = page.locator("table.classes")
    for column, label in enumerate(("Colour", "Name", "Key")):
        header = table.locator("thead th").nth(column).bounding_box()
        field = page.get_by_label(f"{label} of junction").bounding_box()
        assert header["x"] <= field["x"] < header["x"] + header["width"], label
    page.get_by_label("Key of junction").fill("x")
    row = table.get_by_role("row").filter(has=page.get_by_label("Name of junction"))
    page.get_by_label("Name of junction").fill("crossing")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Name of crossing")).to_have_value("crossing")
    assert project.classes.get(name="crossing").shortcut == "x"


def test_the_words_on_screen_say_each_thing_once_and_plainly(page: Page, live_server, project_with_work):
    project, manager = project_with_work
    video = project.videos.get(name="vfr.mkv")
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    expect(page.locator("[data-player]")).to_have_attribute("data-ready", "true", timeout=20_000)
    log = page.get_by_test_id("edit-log")
    expect(log).to_have_text("No edits yet.")  # not a numbered list of one
    with page.expect_response(lambda r: r.url.endswith("/range/") and r.ok):
        page.keyboard.press("2")
    expect(page.locator("[data-status]")).to_have_text("Frame 0 is now “junction”.")
    expect(log.locator("li").first).to_contain_text("frame 0 → junction")
    page.get_by_label("Reviewed").check()
    page.get_by_role("button", name="Mark reviewed anyway").click()
    expect(page.locator("[data-reviewed-by]")).to_have_text(f"Reviewed by {manager.username}, just now.")
    expect(page.locator("[data-status]")).to_have_text("")  # said once, not twice
    steps = page.evaluate("""async () => {
      const { rulerStep } = await import("/static/js/timeline.js");
      return [rulerStep(40, 36), rulerStep(40, 44), rulerStep(10, 36), rulerStep(0.01, 36)];
    }""")
    assert steps == [1, 2, 10, 10000]  # zoomed in furthest, every frame is numbered where its number fits

    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    expect(page.get_by_test_id("upload-drop")).to_contain_text("Drop videos here or choose files")
    assert page.get_by_test_id("upload-input").bounding_box()["width"] <= 1  # no second, native button
    page.goto(f"{live_server.url}/videos/999999999/")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # the app around it, styled


def test_the_same_bytes_uploaded_again_say_which_video_they_copy(page: Page, live_server, video_files, tmp_path,
                                                                  capsys):
    import shutil

    from django.core.management import call_command

    project = make_project(name="Dashcam")
    first = ingest(project, video_files["cfr.mp4"])
    copy = tmp_path / "renamed.mp4"
    shutil.copy(video_files["cfr.mp4"], copy)
    call_command("import_videos", "Dashcam", str(copy), "--json")
    row = capsys.readouterr().out.strip().splitlines()[-1]
    assert f'"duplicate_of":{{"id":{first.pk},"name":"cfr.mp4"}}' in row
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/videos/")
    twin = page.get_by_test_id("duplicate")
    expect(twin).to_have_count(1)
    expect(twin).to_contain_text("The same bytes as cfr.mp4.")
    twin.get_by_role("button", name="Keep both").click()
    expect(page.get_by_test_id("duplicate")).to_have_count(0)
    assert project.videos.get(name="renamed.mp4").duplicate_kept
