// Label bar and confidence heat-map on one canvas, drawn from runs (never a node per frame).

const LABEL_HEIGHT = 0.6; // share of the canvas for the label bar; the heat-map takes the rest

export class Timeline {
  constructor(canvas, colours, onSeek, signal) {
    this.canvas = canvas;
    this.colours = colours; // class id -> "#rrggbb"
    canvas.addEventListener("click", (event) => {
      const box = canvas.getBoundingClientRect();
      onSeek(Math.floor(((event.clientX - box.left) / box.width) * this.frameCount));
    }, { signal });
    new ResizeObserver(() => this.draw(this.last ?? {})).observe(canvas);
  }

  draw(state) {
    this.last = state;
    const { track, frame = 0, marks = {} } = state;
    if (!track) return;
    this.frameCount = track.frameCount;
    const width = Math.max(1, Math.round(this.canvas.clientWidth * devicePixelRatio));
    const height = Math.max(1, Math.round(this.canvas.clientHeight * devicePixelRatio));
    if (this.canvas.width !== width || this.canvas.height !== height) Object.assign(this.canvas, { width, height });
    const context = this.canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    this.drawLabels(context, track, width, Math.round(height * LABEL_HEIGHT));
    this.drawConfidence(context, track, width, Math.round(height * LABEL_HEIGHT), height);
    this.drawMarks(context, marks, width, height);
    const x = ((frame + 0.5) / track.frameCount) * width;
    context.fillStyle = "#111";
    context.fillRect(Math.round(x) - 1, 0, 2 * devicePixelRatio, height);
  }

  drawLabels(context, track, width, height) {
    const scale = width / track.frameCount;
    if (track.starts.length <= width * 2) {
      for (let run = 0; run < track.starts.length; run++) {
        context.fillStyle = this.colours[track.classes[run]] ?? "#999";
        const x0 = track.starts[run] * scale;
        context.fillRect(x0, 0, Math.max((track.runEnd(run) + 1) * scale - x0, 1), height);
      }
      return;
    }
    for (let x = 0; x < width; x++) { // more runs than pixels: one sample per pixel column
      context.fillStyle = this.colours[track.classAt(Math.floor(x / scale))] ?? "#999";
      context.fillRect(x, 0, 1, height);
    }
  }

  drawConfidence(context, track, width, top, bottom) {
    const bins = track.confidenceBins;
    if (!bins.length) return;
    const step = width / bins.length;
    bins.forEach((value, index) => {
      const badness = Math.min(1, Math.max(0, (1 - value) / 0.6)); // 1.0 -> clear, <= 0.4 -> full red
      context.fillStyle = `rgba(214, 39, 40, ${badness.toFixed(3)})`;
      context.fillRect(index * step, top, Math.ceil(step), bottom - top);
    });
  }

  drawMarks(context, marks, width, height) {
    if (marks.in == null) return;
    const end = marks.out ?? marks.in;
    const [first, last] = [Math.min(marks.in, end), Math.max(marks.in, end)];
    const scale = width / this.frameCount;
    context.fillStyle = "rgba(47, 111, 222, 0.35)";
    context.fillRect(first * scale, 0, Math.max((last + 1 - first) * scale, 2), height);
  }
}
