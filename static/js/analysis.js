// Entry point of the video analysis page: player, timeline, labelling keys and stats.
import { FramePlayer } from "./frame-player.js";
import { LabelTrack, postForm } from "./label-track.js";
import { bindPlace, linkedFrame } from "./player-place.js";
import { bindReviewToggle } from "./review-toggle.js";
import { bindShortcuts } from "./shortcuts.js";
import { Timeline } from "./timeline.js";
import { bindTimeline } from "./timeline-input.js";

const root = document.querySelector("[data-player]");
if (root) start(root);

async function start(root) {
  const player = new FramePlayer(root);
  const signal = player.aborter.signal;
  const classes = JSON.parse(document.getElementById("label-classes").textContent);
  const byId = Object.fromEntries(classes.map((c) => [c.id, c]));
  const byKey = Object.fromEntries(classes.filter((c) => c.shortcut).map((c) => [c.shortcut, c]));
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const urls = root.dataset;
  const $ = (name) => root.querySelector(`[data-stat=${name}]`);
  const state = { marks: {}, paint: null, track: null, confidences: null };
  const canEdit = root.dataset.canEdit === "true";
  const timeline = new Timeline(root.querySelector("[data-timeline]"), root.querySelector("[data-overview]"),
    Object.fromEntries(classes.map((c) => [c.id, c.colour])));
  const disagreement = document.getElementById("disagreement-runs");
  timeline.draw({ disagreement: disagreement ? JSON.parse(disagreement.textContent) : [] });

  const say = (message, failed = false) => {
    const line = root.querySelector("[data-status]");
    line.textContent = message;
    line.classList.toggle("failed", failed);
  };
  const redraw = () => timeline.draw({ track: state.track, frame: player.frame, marks: paintMarks() ?? state.marks,
    confidences: state.confidences });
  const paintMarks = () => state.paint && { in: state.paint.min, out: state.paint.max };

  const showStats = (frame) => {
    root.querySelector("[data-testid=current-frame]").textContent = String(frame);
    $("time").textContent = player.secondsOf(frame).toFixed(3);
    $("progress").textContent = ((100 * frame) / Math.max(player.frameCount - 1, 1)).toFixed(1);
    if (!state.track) return;
    const labelClass = byId[state.track.classAt(frame)];
    const author = state.track.authorAt(frame);
    $("label").textContent = labelClass ? labelClass.name : "?";
    $("label").style.setProperty("--chip", labelClass ? labelClass.colour : "#999");
    const confidence = author.code > 0 || !state.confidences ? 1 : state.confidences[frame] / 255;
    $("confidence").textContent = author.code === 0 ? "default (not labelled)" : confidence.toFixed(2);
    $("author").textContent = author.name;
  };

  const fetchConfidences = () => fetch(urls.confidencesUrl, { credentials: "same-origin" })
    .then((r) => (r.status === 200 ? r.arrayBuffer() : null))
    .then((bytes) => { state.confidences = bytes && new Uint8Array(bytes); });

  const applyTimeline = async (body) => {
    const replaced = state.track.labelSet !== body.label_set; // a prediction finished since the page loaded
    state.track.update(body);
    if (replaced) await fetchConfidences();
    root.querySelector("[data-review]").checked = body.reviewed;
    showStats(player.frame);
    redraw();
    document.body.dispatchEvent(new CustomEvent("labels-changed"));
  };

  const labelRange = async (first, last, classId) => {
    const [start, end] = [Math.min(first, last), Math.max(first, last)];
    try {
      await applyTimeline(await postForm(urls.rangeUrl, { start, end, class_id: classId }, token));
      say(start === end ? `Frame ${start} is now “${byId[classId].name}”.` : `Frames ${start}–${end} are now “${byId[classId].name}”.`);
    } catch (error) {
      say(error.message, true);
    }
  };

  const useClass = (labelClass) => {
    const { marks } = state;
    if (marks.in != null) {
      labelRange(marks.in, marks.out ?? player.target, labelClass.id);
      state.marks = {};
    } else {
      state.paint = { classId: labelClass.id, min: player.playhead, max: player.playhead };
    }
    redraw();
  };

  const finishPaint = async () => { // to the frame on screen now, whether or not the frames before it were shown
    const paint = state.paint;
    state.paint = null;
    if (!paint) return;
    const shown = await player.shownFrame();
    labelRange(Math.min(paint.min, shown), Math.max(paint.max, shown), paint.classId);
  };

  const undo = async () => {
    try {
      await applyTimeline(await postForm(urls.undoUrl, {}, token));
      say("Undone.");
    } catch (error) {
      say(error.message, true);
    }
  };

  const jump = (target) => { if (target != null) player.seekToFrame(target); };
  const quarter = () => Math.max(1, Math.round(player.fps / 4));
  const half = () => Math.max(1, Math.round(player.fps / 2));
  const second = () => Math.max(1, Math.round(player.fps));
  const keymap = {
    " ": () => player.toggle(),
    ArrowRight: () => player.step(1),
    ArrowLeft: () => player.step(-1),
    "Shift+ArrowRight": () => player.step(quarter()),
    "Shift+ArrowLeft": () => player.step(-quarter()),
    ArrowUp: () => player.step(half()),
    ArrowDown: () => player.step(-half()),
    "Shift+ArrowUp": () => player.step(second()),
    "Shift+ArrowDown": () => player.step(-second()),
    PageDown: () => jump(state.track.nextChange(player.target)),
    PageUp: () => jump(state.track.previousChange(player.target)),
    Home: () => player.seekToFrame(0),
    End: () => player.seekToFrame(player.frameCount - 1),
    i: () => { state.marks = { in: player.target, out: state.marks.out }; redraw(); },
    o: () => { state.marks = { in: state.marks.in ?? player.target, out: player.target }; redraw(); },
    Escape: () => { state.marks = {}; root.querySelector("[data-help]").hidden = true; redraw(); },
    g: () => { const field = root.querySelector("[name=goto]"); field.value = player.target; field.focus(); field.select(); },
    "[": () => player.setRate(player.video.playbackRate / 2),
    "]": () => player.setRate(player.video.playbackRate * 2),
    "+": () => timeline.zoomAround(player.target + 0.5, 0.5),
    "=": () => timeline.zoomAround(player.target + 0.5, 0.5),
    "-": () => timeline.zoomAround(player.target + 0.5, 2),
    "\\": () => timeline.setView(0, timeline.frameCount),
    "?": () => { const help = root.querySelector("[data-help]"); help.hidden = !help.hidden; },
  };
  if (canEdit) keymap["Ctrl+z"] = undo;
  for (const labelClass of canEdit ? classes : []) {
    if (labelClass.shortcut) keymap[labelClass.shortcut] = (event) => { if (!event.repeat) useClass(labelClass); };
  }
  bindShortcuts(keymap, signal, (event) => {
    if (state.paint && byKey[event.key.toLowerCase()]?.id === state.paint.classId) finishPaint();
  });

  root.addEventListener("player:frame", (event) => {
    const { frame } = event.detail;
    if (state.paint) {
      state.paint.min = Math.min(state.paint.min, frame);
      state.paint.max = Math.max(state.paint.max, frame);
    }
    showStats(frame);
    redraw();
  }, { signal });
  root.addEventListener("player:rate", (event) => { $("rate").textContent = `${event.detail.rate}×`; }, { signal });
  wireControls(root, player, { useClass, labelRange, undo, byId, say, token, urls, finishPaint }, signal);
  bindTimeline(timeline, {
    onSeek: (frame) => player.seekToFrame(frame),
    onMoveEdge: ({ first, last, classId }) => labelRange(first, last, classId),
    canEdit: () => canEdit,
  }, signal);

  window.aigvaPlayer = player;
  // Buttons that ask about "this frame" send the player's frame (no hx-vals="js:…": the CSP forbids eval).
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.matches("[data-sends-frame]")) event.detail.parameters.frame = player.target;
  }, { signal });
  const fetchTimeline = () => fetch(urls.timelineUrl, { credentials: "same-origin" }).then((r) => r.json());
  const [timelineBody] = await Promise.all([fetchTimeline(), fetchConfidences()]);
  state.track = new LabelTrack(timelineBody);
  // New predictions (e.g. "Retrain and update") redraw the timeline in place.
  document.body.addEventListener("labels-updated", async (event) => {
    await applyTimeline(await fetchTimeline());
    say(event.detail?.message ?? "Predictions updated.");
  }, { signal });
  document.body.addEventListener("htmx:afterSwap", (event) => { // similar frames open under the timeline
    if (event.detail.target.id === "similar-frames") event.detail.target.scrollIntoView({ block: "nearest" });
  }, { signal });
  // Back or Forward restores this page from memory as it was: labels may have changed since.
  window.addEventListener("pageshow", async (event) => {
    if (event.persisted) await applyTimeline(await fetchTimeline());
  }, { signal });
  await player.load();
  const linked = linkedFrame(player.frameCount); // a link (e.g. from a sample), Back or a reload
  if (linked) player.seekToFrame(linked);
  bindPlace(root, player, signal);
  root.dataset.ready = "true";
}

function wireControls(root, player, actions, signal) {
  const on = (selector, type, handler) =>
    root.querySelectorAll(selector).forEach((node) => node.addEventListener(type, handler, { signal }));
  on("[data-class-id]", "pointerdown", (event) => actions.useClass(actions.byId[event.currentTarget.dataset.classId]));
  on("[data-class-id]", "pointerup", actions.finishPaint);
  on("[data-action=play]", "click", () => player.toggle());
  on("[data-step]", "click", (event) => {
    const step = event.currentTarget.dataset.step; // a frame count, or "second" / "-second"
    const seconds = { second: 1, "-second": -1 }[step];
    player.step(seconds ? seconds * Math.max(1, Math.round(player.fps)) : Number(step));
  });
  on("[data-action=help]", "click", () => { root.querySelector("[data-help]").hidden = false; });
  on("[data-action=undo]", "click", actions.undo);
  on("[data-goto]", "submit", (event) => { // never the browser's tooltip: the keys must work again at once
    event.preventDefault();
    const field = event.currentTarget.querySelector("input");
    const wanted = /^\d+$/.test(field.value.trim()) ? Number(field.value) : null;
    field.value = "";
    field.blur();
    const last = player.frameCount - 1;
    if (wanted === null) actions.say(`Type a frame number from 0 to ${last}.`, true);
    else if (wanted > last) actions.say(`The last frame is ${last}.`);
    if (wanted !== null) player.seekToFrame(Math.min(wanted, last));
  });
  on("[name=goto]", "keydown", (event) => {
    if (event.key !== "Escape") return;
    event.currentTarget.value = "";
    event.currentTarget.blur();
  });
  on("[data-range-form]", "submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    actions.labelRange(Number(form.get("start")), Number(form.get("end")), Number(form.get("class_id")));
  });
  on("[data-speed]", "change", (event) => player.setRate(Number(event.currentTarget.value)));
  bindReviewToggle(root, { url: actions.urls.reviewUrl, token: actions.token, say: actions.say }, signal);
  const slider = root.querySelector("[data-slider]");
  slider.max = String(Number(root.dataset.frameCount) - 1);
  on("[data-slider]", "input", () => player.seekToFrame(Number(slider.value)));
  root.addEventListener("player:frame", (event) => { slider.value = String(event.detail.frame); }, { signal });
}
