// Keys of the sample labelling page (C-2): a class's key labels the frame, Backspace goes back, → skips.
// The card is swapped after each answer, so each key looks its button up when pressed, and keys
// wait for the answer before them: a fast labeller never labels one sample twice.
import { bindShortcuts } from "./shortcuts.js";

let busy = false;

const press = (selector) => (event) => {
  const button = document.querySelector(`#sample-card ${selector}`);
  if (event.repeat || busy || !button || button.disabled) return;
  const method = button.hasAttribute("hx-post") ? "POST" : "GET";
  const url = button.getAttribute(method === "POST" ? "hx-post" : "hx-get");
  const values = JSON.parse(button.getAttribute("hx-vals") || "{}");
  busy = true;
  window.htmx.ajax(method, url, { source: button, target: "#sample-card", swap: "outerHTML", values })
    .finally(() => { busy = false; });
};

const keymap = { Backspace: press("[data-action=back]"), ArrowLeft: press("[data-action=back]"),
  ArrowRight: press("[data-action=skip]") };
for (const button of document.querySelectorAll("#sample-card [data-shortcut]")) {
  const key = button.dataset.shortcut;
  if (key) keymap[key] = press(`[data-shortcut="${key}"]`);
}
bindShortcuts(keymap, new AbortController().signal);
document.body.dataset.shortcuts = "ready"; // tests wait for this before pressing keys
