// Dashboard: frames per class of the current project (P-1), in the classes' own colours.
const canvas = document.querySelector("[data-class-chart]");
const source = document.getElementById("class-distribution");
if (canvas && source && window.Chart) {
  const classes = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: classes.map((c) => c.name),
      datasets: [{ label: "frames", data: classes.map((c) => c.frames), backgroundColor: classes.map((c) => c.colour) }],
    },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
  canvas.dataset.drawn = "true";
}
