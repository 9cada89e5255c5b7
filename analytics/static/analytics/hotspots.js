// Hotspots map: a heatmap of ~150 m grid cells (leaflet.heat) or a choropleth of beats or districts,
// both fetched from the hotspot APIs with the page's filter. No tiles unless the agency set a tile server.
import { baseLayer } from "/static/js/grid.js";

const config = JSON.parse(document.getElementById("hotspots-config").textContent);
const container = document.getElementById("hotspots-map");
const status = document.getElementById("hotspots-status");
const buttons = [...document.querySelectorAll(".hotspots-modes button[data-mode]")];

// Sequential yellow → red (ColorBrewer YlOrRd), readable on the dark theme; areas with no incident stay unfilled.
const COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
const NUMBER = new Intl.NumberFormat();

const map = L.map(container, { zoomControl: true, maxZoom: 19 }).setView(config.center, config.zoom);
map.attributionControl.setPrefix("RTCC Ops");
baseLayer(map, config);

const cache = new Map(); // mode -> data (each API is fetched once per page)
let shown = null; // the layer on the map
let legend = null;

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function urlFor(mode) {
  return mode === "heat" ? config.gridUrl : `${config.areasUrl}&level=${encodeURIComponent(mode)}`;
}

async function load(mode) {
  if (!cache.has(mode)) cache.set(mode, await fetchJson(urlFor(mode)));
  return cache.get(mode);
}

// Equal-interval classes from 1 to the busiest area: class i holds counts up to breaks[i].
function breaksFor(max) {
  return COLOURS.map((_, i) => Math.max(1, Math.ceil((max * (i + 1)) / COLOURS.length)));
}

function colourFor(count, breaks) {
  if (count <= 0) return null;
  const index = breaks.findIndex((upper) => count <= upper);
  return COLOURS[index === -1 ? COLOURS.length - 1 : index];
}

function tooltipFor(props) {
  const box = document.createElement("div");
  const title = box.appendChild(document.createElement("b"));
  title.textContent = props.name.includes(props.code) ? props.name : `${props.code} · ${props.name}`;
  const line = box.appendChild(document.createElement("div"));
  line.textContent = `${NUMBER.format(props.incidents)} incident${props.incidents === 1 ? "" : "s"} · ${(props.share * 100).toFixed(1)}%`;
  return box;
}

function choropleth(data) {
  const breaks = breaksFor(data.max_incidents);
  const layer = L.geoJSON(data, {
    style: (feature) => {
      const fill = colourFor(feature.properties.incidents, breaks);
      return { color: "#93a4c3", weight: 1, fillColor: fill || "#0b1220", fillOpacity: fill ? 0.6 : 0.05 };
    },
    onEachFeature: (feature, path) => {
      path.bindTooltip(tooltipFor(feature.properties), { sticky: true, className: "hotspots-tooltip" });
      path.on("add", () => path.getElement()?.setAttribute("data-code", feature.properties.code));
    },
  });
  return { layer, legendRows: legendRows(breaks, data.max_incidents) };
}

function legendRows(breaks, max) {
  if (max <= 0) return [];
  const rows = [];
  let lower = 1;
  breaks.forEach((upper, i) => {
    if (upper < lower) return;
    rows.push({ colour: COLOURS[i], label: upper === lower ? NUMBER.format(lower) : `${NUMBER.format(lower)}–${NUMBER.format(upper)}` });
    lower = upper + 1;
  });
  return rows;
}

function heatmap(data) {
  const max = data.max_count || 1;
  const points = data.cells.map((cell) => [cell.lat, cell.lon, cell.count / max]);
  // maxZoom: full intensity from city zoom on (leaflet.heat fades points below its maxZoom).
  const layer = L.heatLayer(points, { radius: 22, blur: 16, maxZoom: 12, max: 1, minOpacity: 0.3 });
  return { layer, legendRows: [] };
}

function showLegend(mode, rows) {
  legend?.remove();
  legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const box = L.DomUtil.create("div", "hotspots-legend");
    const title = box.appendChild(document.createElement("b"));
    title.textContent = mode === "heat" ? "Incidents per cell" : `Incidents per ${mode}`;
    if (mode === "heat") {
      const ramp = box.appendChild(document.createElement("div"));
      ramp.className = "hotspots-ramp";
      const ends = box.appendChild(document.createElement("div"));
      ends.className = "hotspots-ramp-ends";
      ends.append(Object.assign(document.createElement("span"), { textContent: "fewer" }));
      ends.append(Object.assign(document.createElement("span"), { textContent: "more" }));
    }
    for (const row of rows) {
      const line = box.appendChild(document.createElement("div"));
      const swatch = line.appendChild(document.createElement("span"));
      swatch.className = "swatch";
      swatch.style.background = row.colour; // CSSOM: allowed under the strict CSP
      line.append(row.label);
    }
    if (mode !== "heat" && !rows.length) box.append(" none");
    return box;
  };
  legend.addTo(map);
}

function describe(mode, data) {
  if (mode === "heat") {
    const capped = data.capped ? ` (busiest ${NUMBER.format(data.cells.length)} of ${NUMBER.format(data.cell_count)} shown)` : "";
    return `${NUMBER.format(data.located)} incidents in ${NUMBER.format(data.cell_count)} cells${capped}; ` +
      `${NUMBER.format(data.excluded)} without a usable location left out.`;
  }
  return `${NUMBER.format(data.total)} incidents; ${NUMBER.format(data.outside)} with no ${mode} drawn.`;
}

function fitTo(layer, mode, data) {
  const empty = mode === "heat" ? !data.cells.length : !data.features.length;
  if (empty) return;
  const bounds = mode === "heat" ? L.latLngBounds(data.cells.map((c) => [c.lat, c.lon])) : layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.1), { maxZoom: 14, animate: false });
}

const fitted = new Set(); // each view is framed the first time it is shown, then the user's view is kept

async function show(mode) {
  buttons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.mode === mode)));
  container.dataset.mode = mode;
  status.textContent = "Loading…";
  try {
    const data = await load(mode);
    if (container.dataset.mode !== mode) return; // another button was pressed meanwhile
    shown?.remove();
    const drawn = mode === "heat" ? heatmap(data) : choropleth(data);
    shown = drawn.layer.addTo(map);
    showLegend(mode, drawn.legendRows);
    status.textContent = describe(mode, data);
    if (!fitted.has(mode)) fitTo(drawn.layer, mode, data);
    fitted.add(mode);
  } catch (error) {
    status.textContent = `Could not load the map: ${error.message}`;
  }
  container.dataset.ready = mode;
}

buttons.forEach((button) => button.addEventListener("click", () => show(button.dataset.mode)));
show("heat");
