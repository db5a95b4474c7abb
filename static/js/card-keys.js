// Keys of a page of cards (Cold Label, the audit, the review queue): each key presses a button of the
// card, looked up when pressed (the card is swapped after each answer), and waits for the answer before
// it. A key pressed meanwhile (another track's answer, typed fast) follows once the answer is in, if the
// card still shows the same frame: a fast person never answers the next card by a double press. A link
// (open in the player) is followed.
import { bindShortcuts } from "./shortcuts.js";

export function bindCardKeys(card, actions, classKeys) {
  let busy = false;
  let waiting = null; // { selector, shown }: a key pressed while an answer was on its way
  const shown = () => JSON.stringify({ ...document.querySelector(card)?.dataset });
  const send = (selector) => {
    const button = document.querySelector(`${card} ${selector}`);
    if (!button || button.disabled) return;
    if (button.tagName === "A") {
      window.location.assign(button.href);
      return;
    }
    const method = button.hasAttribute("hx-post") ? "POST" : "GET";
    const url = button.getAttribute(method === "POST" ? "hx-post" : "hx-get");
    const values = JSON.parse(button.getAttribute("hx-vals") || "{}");
    busy = true;
    window.htmx.ajax(method, url, { source: button, target: card, swap: "outerHTML", values }).finally(() => {
      busy = false;
      const next = waiting;
      waiting = null;
      if (next && next.shown === shown()) send(next.selector);
    });
  };
  const press = (selector) => (event) => {
    if (event.repeat) return;
    if (busy) waiting = { selector, shown: shown() };
    else send(selector);
  };
  const keymap = {};
  for (const [key, selector] of Object.entries(actions)) keymap[key] = press(selector);
  for (const key of classKeys) keymap[key] = press(`[data-shortcut="${key}"]`);
  bindShortcuts(keymap, new AbortController().signal);
  document.body.dataset.shortcuts = "ready"; // tests wait for this before pressing keys
}

export function classKeysOf(selector) {
  return [...document.querySelectorAll(`${selector} [data-shortcut]`)].map((b) => b.dataset.shortcut).filter(Boolean);
}
