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
