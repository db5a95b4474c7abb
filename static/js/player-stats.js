// The numbers beside the player: frame, time, how far in, and the current frame's class, confidence and
// author; and the playback rate.

export class PlayerStats {
  constructor(root, player, byId) {
    this.root = root;
    this.player = player;
    this.byId = byId;
    this.aborter = new AbortController();
    root.addEventListener("player:rate", (event) => { this.stat("rate").textContent = `${event.detail.rate}×`; },
      { signal: this.aborter.signal });
  }

  stat(name) {
    return this.root.querySelector(`[data-stat=${name}]`);
  }

  show(frame, { track, confidences }) {
    this.root.querySelector("[data-testid=current-frame]").textContent = String(frame);
    this.stat("time").textContent = this.player.secondsOf(frame).toFixed(3);
    this.stat("progress").textContent = ((100 * frame) / Math.max(this.player.frameCount - 1, 1)).toFixed(1);
    if (!track) return;
    const labelClass = this.byId[track.classAt(frame)];
    const author = track.authorAt(frame);
    this.stat("label").textContent = labelClass ? labelClass.name : "?";
    this.stat("label").style.setProperty("--chip", labelClass ? labelClass.colour : "#999");
    const confidence = author.code > 0 || !confidences ? 1 : confidences[frame] / 255;
    this.stat("confidence").textContent = author.code === 0 ? "default (not labelled)" : confidence.toFixed(2);
    this.stat("author").textContent = author.name;
  }

  destroy() {
    this.aborter.abort();
  }
}
