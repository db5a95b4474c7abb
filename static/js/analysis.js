// Entry point of the video analysis page. The page wires its parts: the player, the timeline, each track's
// labels and their edits, paint and marks, the stats, keys and controls; destroy() removes every listener.
// A class says which track it labels; undo, PgUp/PgDn and the edit list act on the active track, the one
// last labelled or clicked on the timeline.
import { FramePlayer } from "./frame-player.js";
import { LabelEdits } from "./label-edits.js";
import { Marks, Paint } from "./paint.js";
import { PlayerControls } from "./player-controls.js";
import { PlayerKeys } from "./player-keys.js";
import { bindPlace, linkedFrame } from "./player-place.js";
import { PlayerStats } from "./player-stats.js";
import { Timeline } from "./timeline.js";
import { bindTimeline } from "./timeline-input.js";

class AnalysisPage {
  constructor(root) {
    this.root = root;
    const tracks = JSON.parse(document.getElementById("label-tracks").textContent);
    this.classes = tracks.flatMap((track, row) => track.classes.map((c) => ({ ...c, row })));
    this.byId = Object.fromEntries(this.classes.map((c) => [c.id, c]));
    this.byKey = Object.fromEntries(this.classes.filter((c) => c.shortcut).map((c) => [c.shortcut, c]));
    this.canEdit = root.dataset.canEdit === "true";
    this.say = this.say.bind(this);
    this.useClass = this.useClass.bind(this);
    this.player = new FramePlayer(root);
    this.timeline = new Timeline(root.querySelector("[data-timeline]"), root.querySelector("[data-overview]"),
      Object.fromEntries(this.classes.map((c) => [c.id, c.colour])));
    const disagreement = document.getElementById("disagreement-runs");
    this.timeline.draw({ disagreement: disagreement ? JSON.parse(disagreement.textContent) : [] });
    const options = { byId: this.byId, say: this.say, onChange: () => this.labelsChanged(), named: tracks.length > 1 };
    this.edits = tracks.map((track, row) => new LabelEdits(root, track, row, options));
    this.active = 0;
    this.paint = new Paint(this.player, (first, last, classId) => this.labelRange(first, last, classId));
    this.marks = new Marks();
    this.stats = new PlayerStats(root, this.player, this.byId);
    this.parts = [this.player, ...this.edits, this.stats, new PlayerKeys(this), new PlayerControls(this)];
    this.aborter = new AbortController();
    this.listen(this.aborter.signal);
  }

  listen(signal) {
    this.root.addEventListener("player:frame", (event) => {
      this.paint.extend(event.detail.frame);
      this.stats.show(event.detail.frame, this.edits);
      this.redraw();
    }, { signal });
    bindTimeline(this.timeline, {
      onSeek: (frame, row) => {
        if (row != null) this.setActive(row);
        this.player.seekToFrame(frame);
      },
      onMoveEdge: ({ first, last, classId }) => this.labelRange(first, last, classId),
      canEdit: () => this.canEdit,
    }, signal);
    // Buttons that ask about "this frame" send the player's frame (no hx-vals="js:…": the CSP forbids eval);
    // the frame's history and the edit list are the active track's.
    document.body.addEventListener("htmx:configRequest", (event) => {
      const element = event.detail.elt;
      if (element.matches("[data-sends-frame]")) event.detail.parameters.frame = this.player.target;
      if (element.dataset.trackUrl) event.detail.path = this.activeEdits.urls[element.dataset.trackUrl];
    }, { signal });
    document.body.addEventListener("htmx:afterSwap", (event) => { // similar frames open under the timeline
      if (event.detail.target.id === "similar-frames") event.detail.target.scrollIntoView({ block: "nearest" });
    }, { signal });
  }

  get activeEdits() {
    return this.edits[this.active];
  }

  /** Make a track the one undo, PgUp/PgDn and the edit list act on. */
  setActive(row) {
    if (row === this.active) return;
    this.active = row;
    this.root.dataset.activeTrack = this.activeEdits.name;
    this.root.querySelectorAll("[data-track-row]").forEach((button) => {
      button.setAttribute("aria-pressed", String(Number(button.dataset.trackRow) === row));
    });
    const name = this.root.querySelector("[data-active-track-name]");
    if (name) name.textContent = this.activeEdits.name;
    this.redraw();
    document.body.dispatchEvent(new CustomEvent("labels-changed")); // the edit list shows this track's
  }

  /** Label frames first..last with a class, on its track. */
  labelRange(first, last, classId) {
    const row = this.byId[classId]?.row ?? this.active;
    this.setActive(row);
    return this.edits[row].labelRange(first, last, classId);
  }

  async load() {
    await Promise.all(this.edits.map((track) => track.load()));
    await this.player.load();
    const linked = linkedFrame(this.player.frameCount); // a link (e.g. from a sample), Back or a reload
    if (linked) this.player.seekToFrame(linked);
    bindPlace(this.root, this.player, this.aborter.signal);
    this.root.dataset.ready = "true";
  }

  say(message, failed = false) {
    const line = this.root.querySelector("[data-status]");
    line.textContent = message;
    line.classList.toggle("failed", failed);
  }

  redraw() {
    const marks = this.paint.marks ?? this.marks.shown;
    const rows = this.edits.map(({ track, confidences }) => ({ track, confidences }));
    this.timeline.draw({ rows, active: this.active, frame: this.player.frame, marks });
  }

  labelsChanged() {
    this.stats.show(this.player.frame, this.edits);
    this.redraw();
    document.body.dispatchEvent(new CustomEvent("labels-changed"));
  }

  /** A class key or button: label the marked range, or start painting at the playhead. */
  useClass(labelClass) {
    const range = this.marks.rangeTo(this.player.target);
    if (range) {
      this.labelRange(range[0], range[1], labelClass.id);
      this.marks.clear();
    } else {
      this.paint.begin(labelClass.id);
    }
    this.redraw();
  }

  destroy() {
    this.aborter.abort();
    this.parts.forEach((part) => part.destroy());
  }
}

const root = document.querySelector("[data-player]");
if (root) {
  const page = new AnalysisPage(root);
  window.aigvaPage = page; // tests (and the console) reach the page and its player
  window.aigvaPlayer = page.player;
  page.load();
}
