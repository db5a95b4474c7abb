// The label set as run-length segments, as the server sends them; answers per-frame questions.

export class LabelTrack {
  constructor(timeline) {
    this.update(timeline);
  }

  update(timeline) {
    this.labelSet = timeline.label_set;
    this.frameCount = timeline.frame_count;
    this.starts = Int32Array.from(timeline.starts);
    this.classes = timeline.classes;
    this.authors = timeline.authors;
    this.authorNames = timeline.author_names;
    this.confidenceBins = timeline.confidence;
    this.reviewed = timeline.reviewed;
  }

  runAt(frame) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= frame) low = mid; else high = mid - 1;
    }
    return low;
  }

  classAt(frame) {
    return this.classes[this.runAt(frame)];
  }

  authorAt(frame) {
    const code = this.authors[this.runAt(frame)];
    return { code, name: this.authorNames[code] ?? `#${code}` };
  }

  runEnd(run) {
    return run + 1 < this.starts.length ? this.starts[run + 1] - 1 : this.frameCount - 1;
  }

  /** [first, last] frame of the stretch of one class holding `frame`: runs of one class by different
   * authors join, as the label bar shows them. */
  classStretch(frame) {
    let first = this.runAt(frame);
    let last = first;
    while (first > 0 && this.classes[first - 1] === this.classes[first]) first--;
    while (last + 1 < this.starts.length && this.classes[last + 1] === this.classes[last]) last++;
    return [this.starts[first], this.runEnd(last)];
  }

  nextChange(frame) {
    const run = this.runAt(frame);
    return run + 1 < this.starts.length ? this.starts[run + 1] : null;
  }

  previousChange(frame) {
    const run = this.runAt(frame);
    if (frame > this.starts[run]) return this.starts[run];
    return run > 0 ? this.starts[run - 1] : null;
  }
}

/** POST a form to the labelling API; resolves to its JSON or rejects with the server's message. */
export async function postForm(url, fields, token) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token },
    body: new URLSearchParams(fields),
  });
  const fallback = {
    403: "Your role in this project does not allow changing labels.",
    404: "This video or its labels no longer exist; nothing was changed.",
    410: "This link has expired or was revoked; nothing was changed. Ask the person who shared it for a new one.",
  }[response.status] ?? `The server answered ${response.status}.`;
  const body = await response.json().catch(() => ({ error: fallback }));
  if (!response.ok) throw new Error(body.error || `The server answered ${response.status}.`);
  return body;
}
