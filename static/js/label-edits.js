// A video's labels on one track as the player holds them (the label runs and the model's confidences) and
// the edits a person sends there (a range of frames, undo). Predictions made meanwhile (Retrain and update) and Back or
// Forward, which restore the page as it was, bring them up to date.
import { LabelTrack, postForm } from "./label-track.js";

export class LabelEdits {
  /** source: one of the page's tracks ({ name, urls }); row: its place on the page. */
  constructor(root, source, row, { byId, say, onChange, named }) {
    this.root = root;
    this.where = named ? ` on “${source.name}”` : ""; // with several tracks, messages say which
    this.name = source.name;
    this.urls = source.urls;
    this.row = row;
    this.byId = byId;
    this.say = say;
    this.onChange = onChange;
    this.token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    this.track = null;
    this.confidences = null;
    this.aborter = new AbortController();
  }

  async load() {
    const [body] = await Promise.all([this.fetchTimeline(), this.fetchConfidences()]);
    this.track = new LabelTrack(body);
    const { signal } = this.aborter;
    document.body.addEventListener("labels-updated", async (event) => {
      await this.apply(await this.fetchTimeline());
      this.say(event.detail?.message ?? "Predictions updated.");
    }, { signal });
    window.addEventListener("pageshow", async (event) => {
      if (event.persisted) await this.apply(await this.fetchTimeline());
    }, { signal });
  }

  fetchTimeline() {
    return fetch(this.urls.timeline, { credentials: "same-origin" }).then((r) => r.json());
  }

  fetchConfidences() {
    return fetch(this.urls.confidences, { credentials: "same-origin" })
      .then((r) => (r.status === 200 ? r.arrayBuffer() : null))
      .then((bytes) => { this.confidences = bytes && new Uint8Array(bytes); });
  }

  async apply(body) {
    const replaced = this.track.labelSet !== body.label_set; // a prediction finished since the page loaded
    this.track.update(body);
    if (replaced) await this.fetchConfidences();
    const box = this.root.querySelector(`[data-review-row="${this.row}"] [data-review]`);
    if (box) box.checked = body.reviewed;
    this.onChange();
  }

  async labelRange(first, last, classId) {
    const [start, end] = [Math.min(first, last), Math.max(first, last)];
    const name = this.byId[classId].name;
    try {
      await this.apply(await postForm(this.urls.range, { start, end, class_id: classId }, this.token));
      this.say(start === end ? `Frame ${start} is now “${name}”${this.where}.`
        : `Frames ${start}–${end} are now “${name}”${this.where}.`);
    } catch (error) {
      this.say(error.message, true);
    }
  }

  async undo() {
    try {
      await this.apply(await postForm(this.urls.undo, {}, this.token));
      this.say(`Undone${this.where}.`);
    } catch (error) {
      this.say(error.message, true);
    }
  }

  destroy() {
    this.aborter.abort();
  }
}
