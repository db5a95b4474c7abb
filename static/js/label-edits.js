// A video's labels as the player holds them (the label track and the model's confidences) and the edits a
// person sends (a range of frames, undo). Predictions made meanwhile (Retrain and update) and Back or
// Forward, which restore the page as it was, bring them up to date.
import { LabelTrack, postForm } from "./label-track.js";

export class LabelEdits {
  constructor(root, { byId, say, onChange }) {
    this.root = root;
    this.urls = root.dataset;
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
    return fetch(this.urls.timelineUrl, { credentials: "same-origin" }).then((r) => r.json());
  }

  fetchConfidences() {
    return fetch(this.urls.confidencesUrl, { credentials: "same-origin" })
      .then((r) => (r.status === 200 ? r.arrayBuffer() : null))
      .then((bytes) => { this.confidences = bytes && new Uint8Array(bytes); });
  }

  async apply(body) {
    const replaced = this.track.labelSet !== body.label_set; // a prediction finished since the page loaded
    this.track.update(body);
    if (replaced) await this.fetchConfidences();
    this.root.querySelector("[data-review]").checked = body.reviewed;
    this.onChange();
  }

  async labelRange(first, last, classId) {
    const [start, end] = [Math.min(first, last), Math.max(first, last)];
    const name = this.byId[classId].name;
    try {
      await this.apply(await postForm(this.urls.rangeUrl, { start, end, class_id: classId }, this.token));
      this.say(start === end ? `Frame ${start} is now “${name}”.` : `Frames ${start}–${end} are now “${name}”.`);
    } catch (error) {
      this.say(error.message, true);
    }
  }

  async undo() {
    try {
      await this.apply(await postForm(this.urls.undoUrl, {}, this.token));
      this.say("Undone.");
    } catch (error) {
      this.say(error.message, true);
    }
  }

  destroy() {
    this.aborter.abort();
  }
}
