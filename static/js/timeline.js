// The timeline: a frame ruler, the label bar, the confidence heat-map and reviewers' disagreement,
// zoomed and panned together, with an overview strip of the whole video and the visible window
// above it. Drawn from runs and per-column summaries, never a node per frame; a column summary is
// kept until the view or the data changes, so a playing video redraws only the playhead.

const MAX_FRAME_WIDTH = 40; // CSS pixels of one frame when zoomed in furthest
const TICK_GAP = 64; // CSS pixels between numbered ticks, at least
const EDGE_GRAB = 5; // CSS pixels either side of a label boundary that pick it up
// Bands of the main canvas, in CSS pixels from the top.
const RULER = { top: 0, height: 14 };
const LABELS = { top: 14, height: 22 };
const HEAT = { top: 36, height: 10 };
const DISAGREE = { top: 46, height: 6 };

export class Timeline {
  constructor(canvas, overview, colours) {
    this.canvas = canvas;
    this.overview = overview;
    this.colours = colours; // class id -> "#rrggbb"
    this.start = 0; // the view: frames [start, start + span)
    this.span = 1;
    this.frameCount = 0;
    this.state = {};
    this.cache = new Map();
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  get cssWidth() {
    return Math.max(1, this.canvas.clientWidth);
  }

  get minSpan() {
    return Math.min(this.frameCount, Math.max(4, this.cssWidth / MAX_FRAME_WIDTH));
  }

  /** Show frames [start, start + span), within the video and the zoom limits. */
  setView(start, span) {
    this.span = Math.min(this.frameCount, Math.max(this.minSpan, span));
    this.start = Math.min(this.frameCount - this.span, Math.max(0, start));
    this.draw();
  }

  /** Zoom by `factor` (< 1 zooms in) keeping `frame` where it is on screen. */
  zoomAround(frame, factor) {
    const share = (frame - this.start) / this.span;
    const span = Math.min(this.frameCount, Math.max(this.minSpan, this.span * factor));
    this.setView(frame - share * span, span);
  }

  /** The frame under a CSS x offset of the main canvas. */
  frameAt(x) {
    return Math.min(this.frameCount - 1, Math.max(0, Math.floor(this.start + (x / this.cssWidth) * this.span)));
  }

  /** The frame at a CSS x offset of the overview strip. */
  overviewFrameAt(x) {
    const share = x / Math.max(1, this.overview.clientWidth);
    return Math.min(this.frameCount - 1, Math.max(0, Math.floor(share * this.frameCount)));
  }

  xOf(frame) {
    return ((frame - this.start) / this.span) * this.cssWidth;
  }

  /** The first frame after a change of class within reach of (x, y) on the label bar, else null. */
  edgeNear(x, y) {
    const track = this.state.track;
    if (!track || y < LABELS.top || y > LABELS.top + LABELS.height) return null;
    const [first, last] = track.classStretch(this.frameAt(x));
    for (const boundary of [first, last + 1]) {
      if (boundary > 0 && boundary < this.frameCount && Math.abs(this.xOf(boundary) - x) <= EDGE_GRAB) return boundary;
    }
    return null;
  }

  /** state: { track, frame, marks: {in, out}, confidences: Uint8Array | null, disagreement: [[s, e]],
   * preview: {first, last, classId} (a boundary being dragged) }; fields left out keep their value. */
  draw(changes = {}) {
    Object.assign(this.state, changes);
    const { track, frame = 0 } = this.state;
    if (!track) return;
    if (track.frameCount !== this.frameCount) {
      this.frameCount = track.frameCount;
      [this.start, this.span] = [0, track.frameCount];
    }
    if (frame !== this.lastFrame && (frame < this.start || frame >= this.start + this.span)) {
      // The playhead left the view (playing, stepping, a jump): turn the page.
      const ahead = frame >= this.start + this.span;
      this.start = Math.min(this.frameCount - this.span, Math.max(0, frame - this.span * (ahead ? 0.1 : 0.9)));
    }
    this.lastFrame = frame;
    const context = this.fit(this.canvas);
    const scale = this.canvas.width / this.cssWidth; // device pixels per CSS pixel
    context.save();
    context.scale(scale, scale);
    this.drawRuler(context);
    this.drawColumns(context, this.labelColumns(), LABELS);
    this.drawHeat(context);
    this.drawDisagreement(context);
    this.drawMarks(context);
    context.fillStyle = this.style("--playhead", "#111");
    context.fillRect(Math.round(this.xOf(frame + 0.5)) - 1, 0, 2, DISAGREE.top + DISAGREE.height);
    context.restore();
    this.drawOverview();
    Object.assign(this.canvas.dataset, { viewStart: this.start.toFixed(3), viewSpan: this.span.toFixed(3) });
  }

  fit(canvas) {
    const width = Math.max(1, Math.round(canvas.clientWidth * devicePixelRatio));
    const height = Math.max(1, Math.round(canvas.clientHeight * devicePixelRatio));
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    return context;
  }

  style(name, fallback) {
    return getComputedStyle(this.canvas).getPropertyValue(name).trim() || fallback;
  }

  /** A value per CSS column of the view, computed once per view and data. */
  columns(name, inputs, compute) {
    const key = [this.start, this.span, this.cssWidth, ...inputs];
    const found = this.cache.get(name);
    if (found && found.key.length === key.length && found.key.every((value, i) => value === key[i])) return found.value;
    const value = compute(this.cssWidth, this.span / this.cssWidth);
    this.cache.set(name, { key, value });
    return value;
  }

  /** Runs of equal class across the view's columns, as [x0, x1, class id] in CSS pixels. */
  labelColumns() {
    const track = this.state.track;
    return this.columns("labels", [track.starts, track.classes], (width, perColumn) => {
      const pieces = [];
      const first = track.runAt(Math.floor(this.start));
      const last = track.runAt(Math.min(this.frameCount - 1, Math.ceil(this.start + this.span) - 1));
      if (last - first <= width * 2) {
        for (let run = first; run <= last; run++) {
          const x0 = this.xOf(Math.max(track.starts[run], this.start));
          const x1 = this.xOf(Math.min(track.runEnd(run) + 1, this.start + this.span));
          pieces.push([x0, Math.max(x1, x0 + 1), track.classes[run]]);
        }
        return pieces;
      }
      for (let x = 0; x < width; x++) { // more runs than columns: what the middle of each column shows
        pieces.push([x, x + 1, track.classAt(Math.floor(this.start + (x + 0.5) * perColumn))]);
      }
      return pieces;
    });
  }

  drawColumns(context, pieces, band) {
    for (const [x0, x1, classId] of pieces) {
      context.fillStyle = this.colours[classId] ?? "#999";
      context.fillRect(x0, band.top, x1 - x0, band.height);
    }
  }

  drawRuler(context) {
    const frameWidth = this.cssWidth / this.span;
    context.fillStyle = context.strokeStyle = this.style("--ruler", "#555");
    context.font = "9px system-ui, sans-serif";
    context.textBaseline = "top";
    const last = Math.min(this.frameCount - 1, Math.ceil(this.start + this.span));
    const step = rulerStep(frameWidth, context.measureText(String(last)).width + 4);
    const minor = frameWidth >= 4 ? 1 : step / 5 >= 1 ? step / 5 : step;
    for (let f = Math.floor(this.start / minor) * minor; f <= last; f += minor) {
      const x = Math.round(this.xOf(f + 0.5)) + 0.5;
      const major = f % step === 0;
      context.fillRect(x - 0.5, major ? RULER.height - 6 : RULER.height - 3, 1, major ? 6 : 3);
      if (major) context.fillText(String(f), x + 2, 0);
    }
  }

  /** The least confident frame of each column (people's frames count as sure), 1 = sure. */
  heatColumns() {
    const { track, confidences } = this.state;
    return this.columns("heat", [track.starts, track.authors, confidences, track.confidenceBins], (width, perColumn) => {
      const least = new Float32Array(width).fill(1);
      const sure = confidences && this.peopleSure(track, confidences);
      const bins = track.confidenceBins;
      for (let x = 0; x < width; x++) {
        const f0 = Math.floor(this.start + x * perColumn);
        const f1 = Math.max(f0 + 1, Math.min(this.frameCount, Math.floor(this.start + (x + 1) * perColumn)));
        let low = 255;
        if (sure) {
          for (let f = f0; f < f1; f++) if (sure[f] < low) low = sure[f];
          least[x] = low / 255;
        } else if (bins.length) {
          const b0 = Math.floor((f0 * bins.length) / this.frameCount);
          const b1 = Math.max(b0 + 1, Math.ceil((f1 * bins.length) / this.frameCount));
          least[x] = Math.min(...bins.slice(b0, b1));
        }
      }
      return least;
    });
  }

  /** Per-frame confidences with people's frames as 255 (sure), rebuilt only when the labels change. */
  peopleSure(track, confidences) {
    const kept = this.sure;
    if (kept && kept.starts === track.starts && kept.authors === track.authors && kept.confidences === confidences) {
      return kept.value;
    }
    const value = Uint8Array.from(confidences);
    for (let run = 0; run < track.starts.length; run++) {
      if (track.authors[run] > 0) value.fill(255, track.starts[run], track.runEnd(run) + 1);
    }
    this.sure = { starts: track.starts, authors: track.authors, confidences, value };
    return value;
  }

  drawHeat(context) {
    const least = this.heatColumns();
    const colour = this.style("--unsure", "17, 17, 17");
    for (let x = 0; x < least.length; x++) {
      const badness = Math.min(1, Math.max(0, (1 - least[x]) / 0.6)); // 1.0: clear; <= 0.4: full
      if (badness < 0.01) continue;
      context.fillStyle = `rgba(${colour}, ${badness.toFixed(3)})`;
      context.fillRect(x, HEAT.top, 1, HEAT.height);
    }
  }

  drawDisagreement(context) {
    const runs = this.state.disagreement;
    if (!runs?.length) return;
    context.fillStyle = this.style("--disagree", "#7b2cbf");
    const end = this.start + this.span;
    for (const [first, last] of runs) {
      if (last + 1 <= this.start || first >= end) continue;
      const x0 = this.xOf(Math.max(first, this.start));
      context.fillRect(x0, DISAGREE.top, Math.max(this.xOf(Math.min(last + 1, end)) - x0, 1), DISAGREE.height);
    }
  }

  drawMarks(context) {
    const { marks = {}, preview } = this.state;
    if (preview) { // a boundary being dragged: the frames that will change, in their new class
      context.globalAlpha = 0.75;
      context.fillStyle = this.colours[preview.classId] ?? "#999";
      const x0 = this.xOf(preview.first);
      context.fillRect(x0, LABELS.top, Math.max(this.xOf(preview.last + 1) - x0, 1), LABELS.height);
      context.globalAlpha = 1;
    }
    if (marks.in == null) return;
    const end = marks.out ?? marks.in;
    const [first, last] = [Math.min(marks.in, end), Math.max(marks.in, end)];
    context.fillStyle = "rgba(47, 111, 222, 0.35)";
    const x0 = this.xOf(first);
    context.fillRect(x0, 0, Math.max(this.xOf(last + 1) - x0, 2), DISAGREE.top + DISAGREE.height);
  }

  drawOverview() {
    const canvas = this.overview;
    const track = this.state.track;
    if (!canvas || !track) return;
    const context = this.fit(canvas);
    const width = canvas.width;
    const height = canvas.height;
    const perColumn = this.frameCount / width;
    for (let x = 0; x < width; x++) {
      context.fillStyle = this.colours[track.classAt(Math.floor((x + 0.5) * perColumn))] ?? "#999";
      context.fillRect(x, 0, 1, height);
    }
    const x0 = (this.start / this.frameCount) * width;
    const x1 = Math.max(x0 + 2, ((this.start + this.span) / this.frameCount) * width);
    context.fillStyle = `rgba(${this.style("--wash", "255, 255, 255")}, 0.6)`; // outside the window is washed out
    context.fillRect(0, 0, x0, height);
    context.fillRect(x1, 0, width - x1, height);
    context.strokeStyle = this.style("--playhead", "#111");
    context.lineWidth = Math.max(1, devicePixelRatio);
    context.strokeRect(x0 + 0.5, 0.5, x1 - x0 - 1, height - 1);
    context.fillStyle = this.style("--playhead", "#111");
    context.fillRect(Math.round((((this.state.frame ?? 0) + 0.5) / this.frameCount) * width), 0, 1, height);
  }
}

/** Frames between numbered ticks: every frame where its number fits in its width (zoomed in furthest),
 * else every 2, 5, 10, 20, 50, ... frames, at least TICK_GAP pixels apart. */
export function rulerStep(frameWidth, labelWidth) {
  if (frameWidth >= labelWidth) return 1;
  let step = 2;
  while (step * frameWidth < TICK_GAP) step *= String(step)[0] === "2" ? 2.5 : 2;
  return step;
}
