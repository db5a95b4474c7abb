// Collapsible sidebar; the choice is remembered per browser. Until one is made, it is collapsed on a
// narrow window (a laptop's half screen), where the page needs the room.
const layout = document.getElementById("layout");
const KEY = "aigva.sidebar.collapsed";
if (layout) {
  const narrow = window.matchMedia("(max-width: 1100px)");
  const fold = () => {
    const chosen = localStorage.getItem(KEY);
    layout.classList.toggle("collapsed", chosen === null ? narrow.matches : chosen === "1");
  };
  fold();
  narrow.addEventListener("change", fold); // a window made narrower or wider, until a choice is made
  document.querySelector("[data-sidebar-toggle]")?.addEventListener("click", () => {
    const collapsed = layout.classList.toggle("collapsed");
    localStorage.setItem(KEY, collapsed ? "1" : "0");
  });
}

// A page whose content depends on its jobs' results (e.g. the samples a sampling job made) reloads once
// one of them finishes, so the result shows without the person reloading by hand.
document.body.addEventListener("job-finished", () => {
  if (document.querySelector("[data-reload-on-job-finished]")) window.location.reload();
});

// A form that starts work is sent once: its buttons wait while the request is out (htmx) or the next
// page loads. Back (from memory) and a download that leaves the page in place give them back.
const SUBMITS = "button:not([type=button]), input[type=submit]";
const holdButtons = (form, held) => form?.querySelectorAll(SUBMITS).forEach((button) => { button.disabled = held; });
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method !== "post") return; // handled by a script, or only reads
  setTimeout(() => holdButtons(form, true)); // after the browser has read the pressed button's value
  setTimeout(() => holdButtons(form, false), 10_000);
});
document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.requestConfig?.verb !== "post") return;
  const elt = event.detail.elt;
  if (elt.matches("button")) elt.disabled = true;
  if (elt.matches("form")) holdButtons(elt, true);
});
document.body.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (elt.matches?.("button")) elt.disabled = false;
  if (elt.matches?.("form")) holdButtons(elt, false);
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted) document.querySelectorAll("form").forEach((form) => holdButtons(form, false));
});
