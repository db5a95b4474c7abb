// Wraps a <video>: knows which frame is on screen (requestVideoFrameCallback) and seeks to frames.
import { frameAt, frameShownAt, seekOffsetOf } from "./frame-clock.js";

// How long after a pause a busy browser may still present the frame it paused on (seen up to 140 ms at 30x
// CPU throttling; in a few percent of pauses it shows the paused frame without presenting it).
const PAUSE_SETTLE_MS = 600;

export class FramePlayer {
  constructor(root) {
    this.root = root;
    this.video = root.querySelector("video");
    const [num, den] = (root.dataset.fps || "30/1").split("/").map(Number);
    this.fps = num / (den || 1);
    this.frame = 0;
    this.pending = null; // frame a seek is heading for, so quick steps add up
    this.times = null;
    this.base = 0; // browser media time of frame 0 (containers may start at a non-zero time)
    this.pausedAt = -Infinity; // performance.now() of the last pause
    this.presentedAt = -Infinity; // performance.now() of the last frame presented
    this.settling = null; // timer that says the frame a pause settled on
    this.aborter = new AbortController();
  }

  /** The frame the user is on: where a seek is heading, else the one on screen. */
  get target() {
    return this.pending ?? this.frame;
  }

  /** The frame at the playhead: where a seek is heading, else the video's current time. Playback moves it
   * even where the browser presents no frame (a busy machine drops them), so a paint reaches every frame. */
  get playhead() {
    if (this.pending !== null || !this.times) return this.target;
    return frameShownAt(this.times, this.video.currentTime - this.base);
  }

  /** The frame on screen now. After a pause Chromium shows the frame at the paused time or the one after
   * it, and tells which by presenting it, often late on a busy machine and sometimes not at all: wait a
   * little for that, and never answer a frame before the paused time. */
  async shownFrame() {
    if (!this.video.paused || this.pending !== null) return this.playhead;
    const left = this.pausedAt + PAUSE_SETTLE_MS - performance.now();
    if (this.presentedAt < this.pausedAt && left > 0) {
      await Promise.race([this.nextPresented(), new Promise((resolve) => setTimeout(resolve, left))]);
    }
    return Math.max(this.frame, this.playhead);
  }

  get frameCount() {
    return this.times.length;
  }

  async load() {
    const response = await fetch(this.root.dataset.frameTimesUrl, { credentials: "same-origin" });
    const [num, den] = response.headers.get("X-Time-Base").split("/").map(Number);
    const steps = new BigInt64Array(await response.arrayBuffer()); // time-base units from the previous frame
    this.times = new Float64Array(steps.length);
    let pts = 0n;
    for (let i = 0; i < steps.length; i++) {
      pts += steps[i];
      this.times[i] = (Number(pts) * num) / den;
    }
    if (this.video.readyState < 1) {
      await new Promise((resolve) => this.video.addEventListener("loadedmetadata", resolve, { once: true }));
    }
    const first = this.nextPresented();
    this.video.currentTime = 0;
    this.base = (await first).mediaTime;
    this.video.addEventListener("pause", () => this.notePause(), { signal: this.aborter.signal });
    this.watch();
    this.show(0);
  }

  nextPresented() {
    return new Promise((resolve) => this.video.requestVideoFrameCallback((_now, meta) => resolve(meta)));
  }

  watch() {
    const onFrame = (_now, meta) => {
      this.presentedAt = performance.now();
      this.show(frameAt(this.times, meta.mediaTime - this.base));
      if (!this.aborter.signal.aborted) this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  show(frame) {
    if (frame === this.pending) this.pending = null;
    this.frame = frame;
    this.root.dataset.currentFrame = String(frame);
    this.root.dispatchEvent(new CustomEvent("player:frame", { detail: { frame } }));
  }

  seekToFrame(frame) {
    const target = Math.max(0, Math.min(Math.round(frame), this.frameCount - 1));
    if (target === this.frame && this.pending === null) {
      this.show(target); // already on screen: no new frame will be presented
      return;
    }
    this.pending = target;
    delete this.root.dataset.currentFrame; // set again once that frame is on screen
    this.video.currentTime = this.base + seekOffsetOf(this.times, target);
  }

  /** Pausing marks the time at once: the pause event comes a task later, maybe after a key-up. */
  notePause() {
    this.pausedAt = performance.now();
    clearTimeout(this.settling);
    this.settling = setTimeout(() => this.settle(), PAUSE_SETTLE_MS);
  }

  /** Say the frame a pause settled on, which Chromium sometimes shows without presenting it. */
  settle() {
    if (!this.video.paused || this.pending !== null || this.aborter.signal.aborted) return;
    const shown = Math.max(this.frame, this.playhead);
    if (shown !== this.frame) this.show(shown);
  }

  pause() {
    this.video.pause();
    this.notePause();
  }

  step(delta) {
    this.pause();
    this.seekToFrame(this.target + delta);
  }

  toggle() {
    if (this.video.paused) this.video.play();
    else this.pause();
  }

  setRate(rate) {
    this.video.playbackRate = Math.min(4, Math.max(0.25, rate));
    this.root.dispatchEvent(new CustomEvent("player:rate", { detail: { rate: this.video.playbackRate } }));
  }

  secondsOf(frame) {
    return this.times[frame] ?? 0;
  }

  destroy() {
    clearTimeout(this.settling);
    this.aborter.abort();
  }
}
