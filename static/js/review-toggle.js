// The player's Reviewed box (L-5). Where frames still have the default class, nobody labelled or predicted
// them, and reviewing would make them a person's labels: the server asks first, and so does this box.
import { postForm } from "./label-track.js";

/** The box of the row-th track, which sends to `url`. */
export function bindReviewToggle(root, { row, url, token, say }, signal) {
  const box = root.querySelector(`[data-review-row="${row}"] [data-review]`);
  const question = root.querySelector(`[data-review-row="${row}"] [data-review-confirm]`);
  const line = root.querySelector(`[data-reviewed-by][data-row="${row}"]`);
  if (!box || !question) return;
  const send = async (fields) => {
    question.hidden = true;
    try {
      const body = await postForm(url, fields, token);
      box.checked = body.reviewed;
      if (body.confirm) {
        question.querySelector("[data-review-question]").textContent = body.confirm;
        question.hidden = false;
        return;
      }
      say(""); // the line below says it, once
      line.textContent = line.dataset.trackPrefix
        + (body.reviewed ? `Reviewed by ${body.reviewed_by}, just now.` : "Not reviewed.");
    } catch (error) {
      box.checked = !box.checked;
      say(error.message, true);
    }
  };
  box.addEventListener("change", () => send(box.checked ? { reviewed: "on" } : {}), { signal });
  question.querySelector("[data-action=review-anyway]").addEventListener("click",
    () => send({ reviewed: "on", confirmed: "on" }), { signal });
  question.querySelector("[data-action=review-cancel]").addEventListener("click",
    () => { question.hidden = true; }, { signal });
}
