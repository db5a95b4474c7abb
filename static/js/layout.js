// Collapsible sidebar; the choice is remembered per browser.
const layout = document.getElementById("layout");
const KEY = "aigva.sidebar.collapsed";
if (layout) {
  layout.classList.toggle("collapsed", localStorage.getItem(KEY) === "1");
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
