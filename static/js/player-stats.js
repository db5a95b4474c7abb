// The numbers beside the player: frame, time, how far in, and on each track the current frame's class,
// confidence and author; and the playback rate.

export class PlayerStats {
  constructor(root, player, byId) {
    this.root = root;
    this.player = player;
    this.byId = byId;
    this.aborter = new AbortController();
    root.addEventListener("player:rate", (event) => { this.stat("rate").textContent = `${event.detail.rate}×`; },
      { signal: this.aborter.signal });
  }

  stat(name, row = null) {
    return this.root.querySelector(`[data-stat=${name}]${row === null ? "" : `[data-row="${row}"]`}`);
  }

  /** tracks: every track's LabelEdits, in their rows. */
  show(frame, tracks) {
    this.root.querySelector("[data-testid=current-frame]").textContent = String(frame);
    this.stat("time").textContent = this.player.secondsOf(frame).toFixed(3);
    this.stat("progress").textContent = ((100 * frame) / Math.max(this.player.frameCount - 1, 1)).toFixed(1);
    for (const { track, confidences, row } of tracks) {
      if (!track) continue;
      const labelClass = this.byId[track.classAt(frame)];
      const author = track.authorAt(frame);
      const label = this.stat("label", row);
      label.textContent = labelClass ? labelClass.name : "?";
      label.style.setProperty("--chip", labelClass ? labelClass.colour : "#999");
      const confidence = (author.code > 0 || !confidences ? 1 : confidences[frame] / 255).toFixed(2);
      const detail = this.stat("detail", row); // several tracks: one line each
      if (detail) {
        detail.textContent = author.code === 0 ? "not labelled" : `${confidence} · ${author.name}`;
      } else {
        this.stat("confidence", row).textContent = author.code === 0 ? "default (not labelled)" : confidence;
        this.stat("author", row).textContent = author.name;
      }
    }
  }

  destroy() {
    this.aborter.abort();
  }
}
