// Keyboard shortcuts, ignored while the user types in a field. Keys are written like
// "ArrowRight", "Shift+ArrowRight" or "Ctrl+z" (Ctrl also matches the Mac's Cmd key).
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function nameOf(event) {
  const parts = [];
  if (event.ctrlKey || event.metaKey) parts.push("Ctrl");
  if (event.shiftKey && event.key.length > 1) parts.push("Shift"); // "?" and "A" carry Shift already
  parts.push(event.key.length === 1 ? event.key.toLowerCase() : event.key);
  return parts.join("+");
}

export function bindShortcuts(keymap, signal, onKeyUp = () => {}) {
  const typing = (event) => TYPING.has(event.target.tagName) || event.target.isContentEditable;
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.altKey) return;
    const action = keymap[nameOf(event)] ?? keymap[event.key];
    if (!action) return;
    event.preventDefault();
    action(event);
  }, { signal });
  document.addEventListener("keyup", (event) => { if (!typing(event)) onKeyUp(event); }, { signal });
}
