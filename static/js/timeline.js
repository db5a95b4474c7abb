// The timeline: a frame ruler, then per track a label bar and its confidence heat-map, and reviewers'
// disagreement, zoomed and panned together, with an overview strip of the whole video (the active
// track) and the visible window above it. Drawn from runs and per-column summaries, never a node per
// frame; the summaries and the picture they make are kept until the view or the data changes, so a
// playing video redraws only the playhead.

const MAX_FRAME_WIDTH = 40; // CSS pixels of one frame when zoomed in furthest
const TICK_GAP = 64; // CSS pixels between numbered ticks, at least
const EDGE_GRAB = 5; // CSS pixels either side of a label boundary that pick it up
const HEAT_SHADES = 32; // steps of the heat-map's darkness
// Bands of the main canvas, in CSS pixels from the top: the ruler, a row per track, the disagreement.
const RULER = { top: 0, height: 14 };
const LABEL_HEIGHT = 22;
const HEAT_HEIGHT = 10;
const ROW_HEIGHT = LABEL_HEIGHT + HEAT_HEIGHT;
const DISAGREE_HEIGHT = 6;

/** The label bar and heat-map of the row-th track. */
function rowBands(row) {
  const top = RULER.height + row * ROW_HEIGHT;
  return { labels: { top, height: LABEL_HEIGHT }, heat: { top: top + LABEL_HEIGHT, height: HEAT_HEIGHT } };
}

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
    this.sure = [];
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

  get bottom() {
    return RULER.height + (this.state.rows?.length ?? 1) * ROW_HEIGHT + DISAGREE_HEIGHT;
  }

  /** The track row under a CSS y offset of the main canvas, or null on the ruler or below the rows. */
  rowAt(y) {
    const row = Math.floor((y - RULER.height) / ROW_HEIGHT);
    return y >= RULER.height && row < (this.state.rows?.length ?? 0) ? row : null;
  }

  /** { row, boundary }: the first frame after a change of class within reach of (x, y) on a label bar,
   * else null. */
  edgeNear(x, y) {
    const row = this.rowAt(y);
    if (row === null || y - rowBands(row).labels.top > LABEL_HEIGHT) return null;
    const [first, last] = this.state.rows[row].track.classStretch(this.frameAt(x));
    for (const boundary of [first, last + 1]) {
      if (boundary > 0 && boundary < this.frameCount && Math.abs(this.xOf(boundary) - x) <= EDGE_GRAB) {
        return { row, boundary };
      }
    }
    return null;
  }

  /** state: { rows: [{ track, confidences: Uint8Array | null }], active: the row the overview shows, frame,
   * marks: {in, out}, disagreement: [[s, e]], preview: {row, first, last, classId} (a boundary being dragged) };
   * fields left out keep their value. */
  draw(changes = {}) {
    Object.assign(this.state, changes);
    const { rows, frame = 0 } = this.state;
    const track = rows?.[0]?.track;
    if (!track) return;
    const height = `${this.bottom}px`;
    if (this.canvas.style.height !== height) this.canvas.style.height = height;
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
    context.drawImage(this.baseLayer(), 0, 0);
    context.save();
    context.scale(this.canvas.width / this.cssWidth, this.canvas.width / this.cssWidth); // to CSS pixels
    this.drawMarks(context);
    context.fillStyle = this.style("--playhead", "#111");
    context.fillRect(Math.round(this.xOf(frame + 0.5)) - 1, 0, 2, this.bottom);
    context.restore();
    this.drawOverview();
    Object.assign(this.canvas.dataset, { viewStart: this.start.toFixed(3), viewSpan: this.span.toFixed(3) });
  }

  /** The ruler, every row and the disagreement, drawn anew only when the view or the data change:
   * a playing video copies it and draws the playhead. */
  baseLayer() {
    const { rows, disagreement } = this.state;
    const inputs = [this.canvas.width, this.canvas.height, disagreement, this.style("--ruler", ""),
      ...rows.flatMap(({ track, confidences }) => [track.starts, track.classes, track.authors, track.confidenceBins,
        confidences])];
    return this.columns("base", inputs, () => {
      this.layer ??= document.createElement("canvas");
      Object.assign(this.layer, { width: this.canvas.width, height: this.canvas.height }); // also clears it
      const context = this.layer.getContext("2d");
      context.scale(this.layer.width / this.cssWidth, this.layer.width / this.cssWidth);
      this.drawRuler(context);
      rows.forEach((row, index) => {
        this.drawColumns(context, this.labelColumns(index), rowBands(index).labels);
        this.drawHeat(context, index);
      });
      this.drawDisagreement(context);
      return this.layer;
    });
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

  /** Runs of equal class across the view's columns of a row, as [x0, x1, class id] in CSS pixels. */
  labelColumns(row) {
    const track = this.state.rows[row].track;
    return this.columns(`labels ${row}`, [track.starts, track.classes], (width, perColumn) => {
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

  /** The least confident frame of each column of a row (people's frames count as sure), 1 = sure. */
  heatColumns(row) {
    const { track, confidences } = this.state.rows[row];
    const inputs = [track.starts, track.authors, confidences, track.confidenceBins];
    return this.columns(`heat ${row}`, inputs, (width, perColumn) => {
      const least = new Float32Array(width).fill(1);
      const sure = confidences && this.peopleSure(row, track, confidences);
      const bins = track.confidenceBins;
      for (let x = 0; x < width; x++) {
        const f0 = Math.floor(this.start + x * perColumn);
        const f1 = Math.max(f0 + 1, Math.min(this.frameCount, Math.floor(this.start + (x + 1) * perColumn)));
        if (sure) {
          least[x] = sure.least(f0, f1) / 255;
        } else if (bins.length) {
          const b0 = Math.floor((f0 * bins.length) / this.frameCount);
          const b1 = Math.max(b0 + 1, Math.ceil((f1 * bins.length) / this.frameCount));
          least[x] = Math.min(...bins.slice(b0, b1));
        }
      }
      return least;
    });
  }

  /** Per-frame confidences with people's frames as 255 (sure), as a MinPyramid, rebuilt only when the labels
   * change. */
  peopleSure(row, track, confidences) {
    const kept = this.sure[row];
    if (kept && kept.starts === track.starts && kept.authors === track.authors && kept.confidences === confidences) {
      return kept.value;
    }
    const sure = Uint8Array.from(confidences);
    for (let run = 0; run < track.starts.length; run++) {
      if (track.authors[run] > 0) sure.fill(255, track.starts[run], track.runEnd(run) + 1);
    }
    const value = new MinPyramid(sure);
    this.sure[row] = { starts: track.starts, authors: track.authors, confidences, value };
    return value;
  }

  drawHeat(context, row) {
    const least = this.heatColumns(row);
    const band = rowBands(row).heat;
    const colour = this.style("--unsure", "17, 17, 17");
    // Darkness in HEAT_SHADES steps, each drawn with one fill style, neighbours of one shade as one rectangle.
    const shades = Array.from(least, (value) => Math.round(Math.min(1, Math.max(0, (1 - value) / 0.6)) * HEAT_SHADES));
    for (let shade = 1; shade <= HEAT_SHADES; shade++) { // 1.0: clear; <= 0.4: full
      context.fillStyle = `rgba(${colour}, ${(shade / HEAT_SHADES).toFixed(3)})`;
      for (let x = 0; x < shades.length; x++) {
        if (shades[x] !== shade) continue;
        const first = x;
        while (shades[x + 1] === shade) x++;
        context.fillRect(first, band.top, x + 1 - first, band.height);
      }
    }
  }

  drawDisagreement(context) {
    const runs = this.state.disagreement;
    if (!runs?.length) return;
    context.fillStyle = this.style("--disagree", "#7b2cbf");
    const top = this.bottom - DISAGREE_HEIGHT;
    const end = this.start + this.span;
    for (const [first, last] of runs) {
      if (last + 1 <= this.start || first >= end) continue;
      const x0 = this.xOf(Math.max(first, this.start));
      context.fillRect(x0, top, Math.max(this.xOf(Math.min(last + 1, end)) - x0, 1), DISAGREE_HEIGHT);
    }
  }

  drawMarks(context) {
    const { marks = {}, preview } = this.state;
    if (preview) { // a boundary being dragged: the frames that will change, in their new class
      context.globalAlpha = 0.75;
      context.fillStyle = this.colours[preview.classId] ?? "#999";
      const x0 = this.xOf(preview.first);
      context.fillRect(x0, rowBands(preview.row).labels.top, Math.max(this.xOf(preview.last + 1) - x0, 1), LABEL_HEIGHT);
      context.globalAlpha = 1;
    }
    if (marks.in == null) return;
    const end = marks.out ?? marks.in;
    const [first, last] = [Math.min(marks.in, end), Math.max(marks.in, end)];
    context.fillStyle = "rgba(47, 111, 222, 0.35)";
    const x0 = this.xOf(first);
    context.fillRect(x0, 0, Math.max(this.xOf(last + 1) - x0, 2), this.bottom);
  }

  drawOverview() {
    const canvas = this.overview;
    const track = this.state.rows?.[this.state.active ?? 0]?.track;
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

/** Bytes per frame and their least over each aligned block of 2, 4, 8, ... frames, so that the least of any
 * stretch takes a few lookups, not one per frame: a column of the whole video spans about a thousand. */
class MinPyramid {
  constructor(values) {
    this.levels = [values];
    while (this.levels.at(-1).length > 1) {
      const below = this.levels.at(-1);
      const level = new Uint8Array(Math.ceil(below.length / 2));
      for (let i = 0; i < level.length; i++) level[i] = Math.min(below[2 * i], below[2 * i + 1] ?? 255);
      this.levels.push(level);
    }
  }

  /** The least value of frames [first, end). */
  least(first, end) {
    let low = 255;
    while (first < end) {
      let level = 0; // the largest aligned block that starts at `first` and ends by `end`
      while (level + 1 < this.levels.length && first % (2 << level) === 0 && first + (2 << level) <= end) level++;
      low = Math.min(low, this.levels[level][first >> level]);
      first += 1 << level;
    }
    return low;
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
