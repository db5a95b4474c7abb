// Entry point of the video analysis page.
import { FramePlayer } from "./frame-player.js";
import { bindShortcuts } from "./shortcuts.js";

const root = document.querySelector("[data-player]");
if (root) {
  const player = new FramePlayer(root);
  const label = root.querySelector("[data-testid=current-frame]");
  root.addEventListener("player:frame", (event) => { label.textContent = String(event.detail.frame); });
  bindShortcuts({
    ArrowRight: () => player.step(1),
    ArrowLeft: () => player.step(-1),
    " ": () => (player.video.paused ? player.video.play() : player.video.pause()),
  }, player.aborter.signal);
  window.aigvaPlayer = player;
  player.load();
}
