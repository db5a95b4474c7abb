// Wraps a <video>: knows which frame is on screen (requestVideoFrameCallback) and seeks to frames.
import { frameAt, frameShownAt, seekOffsetOf } from "./frame-clock.js";

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
    this.video.addEventListener("pause", () => this.snap(), { signal: this.aborter.signal });
    this.video.addEventListener("seeked", () => this.confirmSeek(), { signal: this.aborter.signal });
    this.watch();
    this.show(0);
  }

  nextPresented() {
    return new Promise((resolve) => this.video.requestVideoFrameCallback((_now, meta) => resolve(meta)));
  }

  watch() {
    const onFrame = (_now, meta) => {
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
    this.seekTo(target);
  }

  /** Seek into `frame`'s display interval; the frame is said again once it is on screen. */
  seekTo(frame) {
    this.pending = frame;
    delete this.root.dataset.currentFrame;
    this.video.currentTime = this.base + seekOffsetOf(this.times, frame);
  }

  /** A seek to the frame already on the picture presents nothing, so nothing would say it landed. Chromium
   * presents a new frame no later than the animation frame after `seeked`: after two, the seek's frame is
   * the one on screen either way. */
  async confirmSeek() {
    const heading = this.pending;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    if (heading !== null && this.pending === heading && !this.video.seeking) this.show(heading);
  }

  /** A paused picture is whatever Chromium last decoded: the frame at the paused time or the one after it,
   * presented late on a busy machine or never (a few percent of pauses under CI's load). Seeking to the
   * frame the pause reached makes the picture that frame, and says when it is. Called at once by
   * pause(), since the pause event comes a task later, maybe after a key-up. */
  snap() {
    if (this.pending !== null || this.aborter.signal.aborted) return; // a seek already says where it lands
    const frame = Math.max(this.frame, this.playhead);
    const time = this.base + seekOffsetOf(this.times, frame);
    if (Math.abs(this.video.currentTime - time) >= 1e-5) this.seekTo(frame); // else already there (rounded)
  }

  pause() {
    this.video.pause();
    this.snap();
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
    this.aborter.abort();
  }
}
