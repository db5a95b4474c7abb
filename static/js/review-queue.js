// Keys of the Review page and the audit (issue 31). Review: Enter = the run is right, a class key = the
// whole run is that class, s = open it in the player, Backspace = back to the previous run. Audit: a
// class key answers, Backspace goes back. The class keys come from the page, as a card may be empty.
import { bindCardKeys } from "./card-keys.js";

const page = document.querySelector("[data-card-page]");
const classKeys = (page.dataset.classKeys || "").split("").filter(Boolean);
const actions = { Backspace: "[data-action=back]", ArrowLeft: "[data-action=back]" };
if (page.dataset.cardPage === "review") {
  actions.Enter = "[data-action=accept]";
  actions[page.dataset.openKey] = "[data-action=open]";
}
bindCardKeys(page.dataset.card, actions, classKeys);
