// Loss and accuracy per epoch of a training job (C-3), redrawn each time htmx swaps the polled card.
const charts = new WeakMap();

function draw(canvas) {
  const source = canvas.closest("[data-testid=training]")?.querySelector("script[id=history]");
  const parsed = source ? JSON.parse(source.textContent) : null;
  const history = Array.isArray(parsed) ? parsed : []; // nothing yet before the first epoch
  if (charts.has(canvas) || !window.Chart || !history.length) return;
  const series = (key) => history.map((row) => row[key]);
  const line = (label, key, colour, axis, dashed = false) => ({
    label, data: series(key), borderColor: colour, backgroundColor: colour, yAxisID: axis,
    borderDash: dashed ? [6, 4] : [], spanGaps: true,
  });
  charts.set(canvas, new window.Chart(canvas, {
    type: "line",
    data: {
      labels: history.map((row) => row.epoch),
      datasets: [
        line("train loss", "train_loss", "#4e79a7", "loss"),
        line("validation loss", "val_loss", "#e15759", "loss"),
        line("train accuracy", "train_accuracy", "#4e79a7", "accuracy", true),
        line("validation accuracy", "val_accuracy", "#e15759", "accuracy", true),
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { title: { display: true, text: "epoch" } },
        loss: { position: "left", beginAtZero: true, title: { display: true, text: "loss" } },
        accuracy: { position: "right", min: 0, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: "accuracy" } },
      },
    },
  }));
}

const drawAll = () => document.querySelectorAll("[data-training-chart]").forEach(draw);
document.body.addEventListener("htmx:afterSettle", drawAll);
drawAll();
