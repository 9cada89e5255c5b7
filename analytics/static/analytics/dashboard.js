// Analytics dashboards: draws each table's chart (Chart.js, served from npm) from its json_script
// data, in colours legible on the dark ops theme; a change of filter reloads the page.
/* global Chart */

const PALETTE = ["#4dabf7", "#ffb020", "#37d67a", "#ff6b81", "#b197fc", "#63e6be", "#ffd43b", "#ff922b"];
const TEXT = "#e6edf7";
const MUTED = "#93a4c3";
const GRID = "rgba(147, 164, 195, 0.18)";

function duration(seconds) {
  const whole = Math.round(seconds);
  const minutes = Math.floor(Math.abs(whole) / 60);
  if (minutes >= 60) return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m ${String(Math.abs(whole) % 60).padStart(2, "0")}s`;
  return `${whole}s`;
}

function formatter(kind) {
  if (kind === "seconds") return (value) => duration(value);
  if (kind === "pct") return (value) => `${value}%`;
  return (value) => Number(value).toLocaleString();
}

function datasetsFor(spec) {
  const round = spec.kind === "doughnut";
  return spec.datasets.map((dataset, index) => {
    const colour = PALETTE[index % PALETTE.length];
    return {
      label: dataset.label,
      data: dataset.data,
      yAxisID: dataset.axis || "y",
      borderColor: round ? "#111a2e" : colour,
      backgroundColor: round ? spec.labels.map((_, i) => PALETTE[i % PALETTE.length]) : `${colour}cc`,
      borderWidth: round ? 2 : spec.kind === "line" ? 2.5 : 0,
      pointRadius: spec.kind === "line" ? 2.5 : 0,
      tension: 0.2,
      spanGaps: true,
    };
  });
}

function options(spec) {
  const kinds = new Set(spec.datasets.map((dataset) => dataset.kind));
  const counts = kinds.size === 1 && kinds.has("int");
  const valueFormat = formatter(kinds.size === 1 ? [...kinds][0] : "int");
  const base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: TEXT,
    plugins: {
      legend: { labels: { color: TEXT, font: { size: 13 } } },
      tooltip: {
        callbacks: {
          label: (item) => `${item.dataset.label}: ${item.raw === null ? "—" : formatter(spec.datasets[item.datasetIndex].kind)(item.raw)}`,
        },
      },
    },
  };
  if (spec.kind === "doughnut") return base;
  base.scales = {
    x: { stacked: spec.stacked, ticks: { color: MUTED, maxRotation: 45, autoSkip: true }, grid: { color: GRID } },
    y: {
      stacked: spec.stacked,
      beginAtZero: true,
      ticks: { color: MUTED, precision: counts ? 0 : undefined, callback: (value) => valueFormat(value) },
      grid: { color: GRID },
    },
  };
  if (spec.log_scale) {
    // Steps of very different sizes (reads, then a handful of arrests): a log axis keeps all visible.
    base.scales.y.type = "logarithmic";
    base.scales.y.beginAtZero = false;
  }
  const right = spec.datasets.filter((dataset) => dataset.axis === "y2");
  if (right.length) {
    // A second scale on the right for series of another size (hits beside reads).
    base.scales.y2 = {
      position: "right",
      beginAtZero: true,
      ticks: { color: MUTED, precision: 0, callback: (value) => formatter(right[0].kind)(value) },
      grid: { drawOnChartArea: false },
      title: { display: true, text: right.map((dataset) => dataset.label).join(", "), color: MUTED },
    };
  }
  return base;
}

function draw(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source) return;
  const spec = JSON.parse(source.textContent);
  // One chart per canvas; the page is reloaded, never redrawn in place.
  new Chart(canvas, { type: spec.kind, data: { labels: spec.labels, datasets: datasetsFor(spec) }, options: options(spec) });
  canvas.dataset.drawn = "true";
}

function autoSubmit(form) {
  for (const field of form.querySelectorAll("select:not([multiple]), input[type=date]")) {
    field.addEventListener("change", () => {
      if (form.checkValidity()) form.requestSubmit();
    });
  }
}

if (typeof Chart !== "undefined") {
  Chart.defaults.font.family = "Inter, system-ui, sans-serif";
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
}
const filters = document.getElementById("dash-filters");
if (filters) autoSubmit(filters);
