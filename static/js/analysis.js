// Entry point of the video analysis page. The page wires its parts: the player, the timeline, the labels
// and their edits, paint and marks, the stats, keys and controls; destroy() removes every listener.
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
    this.classes = JSON.parse(document.getElementById("label-classes").textContent);
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
    this.edits = new LabelEdits(root, { byId: this.byId, say: this.say, onChange: () => this.labelsChanged() });
    this.paint = new Paint(this.player, (first, last, classId) => this.edits.labelRange(first, last, classId));
    this.marks = new Marks();
    this.stats = new PlayerStats(root, this.player, this.byId);
    this.parts = [this.player, this.edits, this.stats, new PlayerKeys(this), new PlayerControls(this)];
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
      onSeek: (frame) => this.player.seekToFrame(frame),
      onMoveEdge: ({ first, last, classId }) => this.edits.labelRange(first, last, classId),
      canEdit: () => this.canEdit,
    }, signal);
    // Buttons that ask about "this frame" send the player's frame (no hx-vals="js:…": the CSP forbids eval).
    document.body.addEventListener("htmx:configRequest", (event) => {
      if (event.detail.elt.matches("[data-sends-frame]")) event.detail.parameters.frame = this.player.target;
    }, { signal });
    document.body.addEventListener("htmx:afterSwap", (event) => { // similar frames open under the timeline
      if (event.detail.target.id === "similar-frames") event.detail.target.scrollIntoView({ block: "nearest" });
    }, { signal });
  }

  async load() {
    await this.edits.load();
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
    this.timeline.draw({ track: this.edits.track, frame: this.player.frame, marks, confidences: this.edits.confidences });
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
      this.edits.labelRange(range[0], range[1], labelClass.id);
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
