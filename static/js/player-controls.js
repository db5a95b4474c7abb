// The player's buttons and fields: class buttons (press to paint), play, steps, help, undo, go to a frame,
// the range form, speed, the slider and each track's Reviewed box.
import { bindReviewToggle } from "./review-toggle.js";

export class PlayerControls {
  constructor(page) {
    this.aborter = new AbortController();
    const { signal } = this.aborter;
    const on = (selector, type, handler) =>
      page.root.querySelectorAll(selector).forEach((node) => node.addEventListener(type, handler, { signal }));
    bindButtons(page, on);
    bindGoto(page, on);
    bindSlider(page, on, signal);
    on("[data-range-form]", "submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.currentTarget);
      page.labelRange(Number(form.get("start")), Number(form.get("end")), Number(form.get("class_id")));
    });
    on("[data-speed]", "change", (event) => page.player.setRate(Number(event.currentTarget.value)));
    for (const track of page.edits) {
      bindReviewToggle(page.root, { row: track.row, url: track.urls.review, token: track.token, say: page.say }, signal);
    }
  }

  destroy() {
    this.aborter.abort();
  }
}

function bindButtons(page, on) {
  const { root, player, byId, paint, useClass } = page;
  on("[data-class-id]", "pointerdown", (event) => useClass(byId[event.currentTarget.dataset.classId]));
  on("[data-class-id]", "pointerup", () => paint.finish());
  on("[data-action=play]", "click", () => player.toggle());
  on("[data-step]", "click", (event) => {
    const step = event.currentTarget.dataset.step; // a frame count, or "second" / "-second"
    const seconds = { second: 1, "-second": -1 }[step];
    player.step(seconds ? seconds * Math.max(1, Math.round(player.fps)) : Number(step));
  });
  on("[data-action=help]", "click", () => { root.querySelector("[data-help]").hidden = false; });
  on("[data-action=undo]", "click", () => page.activeEdits.undo());
  on("[data-track-row]", "click", (event) => page.setActive(Number(event.currentTarget.dataset.trackRow)));
}

function bindGoto({ player, say }, on) {
  on("[data-goto]", "submit", (event) => { // never the browser's tooltip: the keys must work again at once
    event.preventDefault();
    const field = event.currentTarget.querySelector("input");
    const wanted = /^\d+$/.test(field.value.trim()) ? Number(field.value) : null;
    field.value = "";
    field.blur();
    const last = player.frameCount - 1;
    if (wanted === null) say(`Type a frame number from 0 to ${last}.`, true);
    else if (wanted > last) say(`The last frame is ${last}.`);
    if (wanted !== null) player.seekToFrame(Math.min(wanted, last));
  });
  on("[name=goto]", "keydown", (event) => {
    if (event.key !== "Escape") return;
    event.currentTarget.value = "";
    event.currentTarget.blur();
  });
}

function bindSlider({ root, player }, on, signal) {
  const slider = root.querySelector("[data-slider]");
  slider.max = String(Number(root.dataset.frameCount) - 1);
  on("[data-slider]", "input", () => player.seekToFrame(Number(slider.value)));
  root.addEventListener("player:frame", (event) => { slider.value = String(event.detail.frame); }, { signal });
}
