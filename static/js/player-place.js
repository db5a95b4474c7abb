// Where the player is, kept where people look for it: the address (?frame=N, so Back, reload and a shared
// link open on that frame, as in CVAT) and an open "Who labelled this frame?" box follow the playhead once
// it rests a moment, never on every frame of playback.
const SETTLE_MS = 250;

export function bindPlace(root, player, signal) {
  const history = document.getElementById("frame-history");
  const ask = root.querySelector("[data-frame-history]");
  let timer = null;
  const settle = (frame) => {
    const url = new URL(window.location.href);
    if (url.searchParams.get("frame") !== String(frame)) {
      url.searchParams.set("frame", String(frame));
      window.history.replaceState(window.history.state, "", url);
    }
    if (history?.childElementCount && ask && history.dataset.frame !== String(frame)) ask.click();
  };
  root.addEventListener("player:frame", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => settle(event.detail.frame), SETTLE_MS);
  }, { signal });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === history) history.dataset.frame = history.querySelector("[data-frame]")?.dataset.frame;
  }, { signal });
  signal.addEventListener("abort", () => clearTimeout(timer));
}

/** The frame a link or a reload asks for (?frame=N), if it is one of the video's. */
export function linkedFrame(frameCount) {
  const value = new URLSearchParams(window.location.search).get("frame") ?? "";
  const frame = /^\d+$/.test(value) ? Number(value) : null;
  return frame !== null && frame < frameCount ? frame : null;
}
