"""Making, using and revoking a token on the Settings page, and the API docs, in Debian Chromium."""

import pytest
import requests
from playwright.sync_api import Page, expect

from api.models import ApiToken
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_shown_once_works_and_stops_when_revoked(page: Page, live_server):
    user = add_member(make_project(name="Dashcam"), Role.LABELLER)
    log_in(page, live_server, user, confirm=True)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_label("Name").fill("recording rig")
    page.get_by_test_id("token-create").click()
    shown = page.get_by_test_id("api-token")
    expect(shown).to_be_visible()
    text = shown.input_value()
    assert text.startswith("aigva_") and not ApiToken.objects.filter(token_hash=text).exists()
    row = page.get_by_role("row", name="recording rig")
    expect(row).to_contain_text(text[:12])
    expect(row).to_contain_text("never")  # not used yet
    answer = requests.get(f"{live_server.url}/api/v1/projects", headers={"Authorization": f"Bearer {text}"})
    assert answer.status_code == 200 and answer.json()["items"][0]["name"] == "Dashcam"
    page.reload()
    expect(page.get_by_test_id("api-token")).to_have_count(0)  # shown once
    expect(page.get_by_role("row", name="recording rig")).to_contain_text("ago")
    page.get_by_role("row", name="recording rig").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row", name="recording rig")).to_contain_text("revoked")
    assert requests.get(f"{live_server.url}/api/v1/projects",
                        headers={"Authorization": f"Bearer {text}"}).status_code == 401


def test_back_after_making_a_token_shows_it_in_the_list(page: Page, live_server):
    user = add_member(make_project(name="Dashcam"), Role.LABELLER)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_label("Name").fill("pipeline")
    page.get_by_test_id("token-create").click()
    expect(page.get_by_test_id("api-token")).to_be_visible()
    page.get_by_role("link", name="Projects").first.click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("row", name="pipeline")).to_be_visible()  # the page as it is now, not from a cache


def test_the_api_docs_load_under_the_content_security_policy(page: Page, live_server):
    user = add_member(make_project(), Role.VIEWER)
    log_in(page, live_server, user)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/projects/{project_id}/videos").first).to_be_visible()
    assert refused == []
