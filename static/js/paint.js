// Two ways to label a stretch of frames: paint (hold a class's key or button while playing or stepping,
// let go on the last frame) and marks (i and o, then a class).

export class Paint {
  constructor(player, labelRange) {
    this.player = player;
    this.labelRange = labelRange;
    this.stroke = null;
  }

  begin(classId) {
    const at = this.player.playhead;
    this.stroke = { classId, min: at, max: at };
  }

  extend(frame) {
    if (!this.stroke) return;
    this.stroke.min = Math.min(this.stroke.min, frame);
    this.stroke.max = Math.max(this.stroke.max, frame);
  }

  isPainting(classId) {
    return this.stroke !== null && this.stroke.classId === classId;
  }

  /** The painted stretch, drawn on the timeline as marks while the key is held. */
  get marks() {
    return this.stroke && { in: this.stroke.min, out: this.stroke.max };
  }

  /** To the frame at the playhead (a pause snaps the picture to it), whether or not the frames before it
   * were shown. */
  finish() {
    const stroke = this.stroke;
    this.stroke = null;
    if (!stroke) return;
    const at = this.player.playhead;
    this.labelRange(Math.min(stroke.min, at), Math.max(stroke.max, at), stroke.classId);
  }
}

export class Marks {
  constructor() {
    this.shown = {}; // { in, out } as the timeline draws them
  }

  clear() {
    this.shown = {};
  }

  markIn(frame) {
    this.shown = { in: frame, out: this.shown.out };
  }

  markOut(frame) {
    this.shown = { in: this.shown.in ?? frame, out: frame };
  }

  /** The marked range ending at `frame` when no out mark is set, or null when nothing is marked. */
  rangeTo(frame) {
    return this.shown.in != null ? [this.shown.in, this.shown.out ?? frame] : null;
  }
}
