"""Every HTML page of a project whose project, class, video and model names are HTML, in Chromium:
nothing in them may run (a dialog fails the test)."""

import pytest
from django.test import Client
from playwright.sync_api import Page

from aigva.tests.factories import urls_for
from aigva.tests.world import build_world
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_runs_a_name_as_html(page: Page, live_server, video_files):
    world = build_world(video_files["cfr.mp4"], "Ours")
    client = Client()
    client.force_login(world["manager"])
    pages = [url for url in urls_for(world["ids"], world["token"])
             if (response := client.get(url)).status_code == 200 and "text/html" in response["Content-Type"]
             and not response.streaming]
    assert len(pages) > 20
    log_in(page, live_server, world["manager"])  # fails the test on any dialog from here on
    refused = []  # the Content-Security-Policy blocks nothing our own pages do
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.on("pageerror", lambda error: refused.append(str(error)))
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    assert not refused, refused[:3]
    stranger = page.context.browser.new_context().new_page()
    stranger.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    stranger.goto(f"{live_server.url}/s/{world['token']}/")
    stranger.get_by_label("Your name").fill("<img src=x onerror=alert(3)>")
    stranger.get_by_role("button", name="Start reviewing").click()
    stranger.wait_for_load_state("networkidle")
    assert "onerror" in stranger.content()  # shown, as text
    stranger.context.close()
