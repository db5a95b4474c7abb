// Keyboard shortcuts, ignored while the user types in a field.
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function bindShortcuts(keymap, signal) {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (TYPING.has(target.tagName) || target.isContentEditable || event.ctrlKey || event.metaKey || event.altKey) return;
    const action = keymap[event.key];
    if (!action) return;
    event.preventDefault();
    action(event);
  }, { signal });
}
