"""Helpers shared by the browser tests: log in, open a video's analysis page, read the frame on screen."""

import pytest
from playwright.sync_api import Page, expect

from projects.tests.factories import PASSWORD

READ_BIT_STRIP = """(video) => {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const context = canvas.getContext("2d");
  context.drawImage(video, 0, 0);
  const row = context.getImageData(0, 12, canvas.width, 1).data;
  let number = 0;
  for (let bit = 0; bit < 12; bit++) if (row[(bit * 20 + 10) * 4] > 127) number |= 1 << bit;
  return number;
}"""

# Once no seek is under way (a pause seeks to the frame it reached), after two animation frames the last
# presented frame's callback has run.
SETTLED_STATE = """async (root) => {
  const video = root.querySelector("video");
  while (root.dataset.currentFrame === undefined) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [root.dataset.currentFrame, root.querySelector("[data-testid=current-frame]").textContent,
          (""" + READ_BIT_STRIP + """)(video)];
}"""


def log_in(page: Page, live_server, user, confirm: bool = False) -> None:
    """Log in; a dialog then fails the test (escaped HTML never runs), or with confirm, is accepted."""
    if confirm:
        page.on("dialog", lambda dialog: dialog.accept())
    else:
        page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()


def open_player(page: Page, live_server, video):
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    player = page.locator("[data-player]")
    expect(player).to_have_attribute("data-ready", "true", timeout=20_000)
    expect(player).to_have_attribute("data-current-frame", "0")
    return player


def expect_on_screen(page: Page, frame: int) -> None:
    """The player says `frame`, and the picture on screen is that frame."""
    player = page.locator("[data-player]")
    expect(player).to_have_attribute("data-current-frame", str(frame))
    expect(page.get_by_test_id("current-frame")).to_have_text(str(frame))
    assert page.get_by_test_id("player-video").evaluate(READ_BIT_STRIP) == frame


def settled_state(page: Page) -> tuple[int, int, int]:
    """(data-current-frame, displayed number, bit strip) once the picture has settled."""
    attribute, shown, strip = page.locator("[data-player]").evaluate(SETTLED_STATE)
    return int(attribute), int(shown), strip
