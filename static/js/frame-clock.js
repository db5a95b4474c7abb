// Pure frame <-> time math over a video's presentation times (seconds after its first frame).

/** Index of the frame whose presentation time is nearest to `offset` seconds (a presented frame's time). */
export function frameAt(times, offset) {
  const low = frameShownAt(times, offset);
  const next = Math.min(low + 1, times.length - 1);
  return offset - times[low] <= times[next] - offset ? low : next;
}

/** Index of the frame on screen at `offset` seconds, any time within its display interval: the last one
 * presented at or before it (a microsecond of slack for the float times). */
export function frameShownAt(times, offset) {
  let low = 0;
  let high = times.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (times[mid] <= offset + 1e-6) low = mid; else high = mid - 1;
  }
  return low;
}

/** The middle of frame `index`'s display interval, so a seek lands inside it. */
export function seekOffsetOf(times, index) {
  const i = Math.max(0, Math.min(index, times.length - 1));
  const end = i + 1 < times.length ? times[i + 1] : times[i] + (i > 0 ? times[i] - times[i - 1] : 1 / 30);
  return (times[i] + end) / 2;
}
