"""The Cold Label card with several tracks, in Debian Chromium (issue 33): one key per track, the card says which
are answered and moves on once every track is; Enter takes what the unanswered tracks say."""

import pytest
from playwright.sync_api import Page, expect

from labelling.selectors import get_current_label_set
from learning.tests.factories import sample_uniformly
from projects.models import Role
from projects.tests.factories import add_member, add_track, make_project
from videos.tests.browser import log_in
from videos.tests.factories import ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label_at(video, track, frame: int) -> tuple[str, bool]:
    """(class name, whether a person gave it) of a frame on a track."""
    class_id, author = get_current_label_set(video, track).label_runs.at(frame)
    return video.project.classes.get(pk=class_id).name, author > 0


def open_cards(page: Page, live_server, video_files) -> tuple:
    """Road/junction (keys 1, 2) and a weather track (sunny, rain: keys 3, 4), 3 samples, the first card open;
    returns (video, weather track, the first card's frame)."""
    project = make_project(classes=["road", "junction"])
    weather = add_track(project, "weather", ["sunny", "rain"])
    video = ingest(project, video_files["cfr.mp4"])
    sample_uniformly(project, [video], 3)
    log_in(page, live_server, add_member(project, Role.LABELLER))
    page.goto(f"{live_server.url}/projects/{project.pk}/samples/label/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "ready")
    return video, weather, int(page.get_by_test_id("sample-frame").inner_text())


def test_a_card_asks_every_track_and_enter_agrees_with_the_rest(page: Page, live_server, video_files):
    video, weather, first = open_cards(page, live_server, video_files)
    weather_row = page.locator("[data-track=weather]")
    expect(weather_row).to_have_attribute("data-answered", "false")
    expect(weather_row).to_contain_text("sunny?")  # what the track says now, to agree with

    page.keyboard.press("4")  # rain: the weather answer; the road type is still open, so the card stays
    expect(weather_row).to_have_attribute("data-answered", "true")
    expect(weather_row).to_contain_text("rain ✓")
    expect(page.get_by_test_id("sample-frame")).to_have_text(str(first))
    assert label_at(video, weather, first) == ("rain", True) and label_at(video, None, first) == ("road", False)

    page.keyboard.press("2")  # junction: every track answered, the next frame comes
    expect(page.get_by_test_id("sample-frame")).not_to_have_text(str(first))
    second = int(page.get_by_test_id("sample-frame").inner_text())
    assert label_at(video, None, first) == ("junction", True)
    assert video.samples.get(frame=first).label.name == "junction"

    page.keyboard.press("Enter")  # agree with both tracks as they are
    expect(page.get_by_test_id("sample-frame")).not_to_have_text(str(second))
    assert label_at(video, None, second) == ("road", True) and label_at(video, weather, second) == ("sunny", True)
    assert video.samples.get(frame=second).label.name == "road"
    expect(page.get_by_test_id("sample-progress")).to_have_text("2 / 3")


def test_a_second_track_s_key_typed_while_the_first_answer_is_on_its_way_still_counts(page: Page, live_server,
                                                                                     video_files):
    video, weather, first = open_cards(page, live_server, video_files)
    page.keyboard.press("2")
    page.keyboard.press("4")  # at once: the junction answer is still on its way
    expect(page.get_by_test_id("sample-frame")).not_to_have_text(str(first))
    assert label_at(video, None, first) == ("junction", True) and label_at(video, weather, first) == ("rain", True)
    second = int(page.get_by_test_id("sample-frame").inner_text())
    page.keyboard.press("1")
    page.keyboard.press("3")
    page.keyboard.press("3")  # a double press: it must not answer the third frame
    expect(page.get_by_test_id("sample-frame")).not_to_have_text(str(second))
    third = int(page.get_by_test_id("sample-frame").inner_text())
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("sample-frame")).to_have_text(str(third))
    assert label_at(video, weather, third) == ("sunny", False)  # still the default, nobody answered it
    expect(page.get_by_test_id("sample-progress")).to_have_text("2 / 3")
