// Ops map: open incidents as priority-coloured markers and a live list, kept in sync by LiveStream.
import { LiveStream, escapeText, readConfig } from "/static/js/live.js";
import { AlertStrip } from "./ops_alerts.js";
import { CameraLayer } from "./ops_cameras.js";
import { CameraDock } from "./ops_dock.js";
import { LprLayer } from "./ops_lpr.js";
import { ShotsLayer } from "./ops_shots.js";
import { setUpTrackTool } from "./ops_tracks.js";

const config = readConfig("ops-config");
const OPEN = new Set(["received", "dispatched", "on_scene"]);
const PRIORITY_COLOURS = { 1: "#ff4d4f", 2: "#ff9f1a", 3: "#ffd43b", 4: "#4dabf7", 5: "#94a3b8" };
const CLOSED_LINGER_MS = 8000;

const incidents = new Map(); // id -> { data, marker, row }
// SVG markers (not canvas): each incident is a DOM element with its id, for tests and accessibility tools.
// maxZoom is explicit because without tiles no layer sets one (marker clustering needs it).
const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView(config.center, config.zoom);
map.attributionControl.setPrefix("RTCC Ops");
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  document.getElementById("map").classList.add("no-tiles");
  drawGraticule(map);
}

const shots = new ShotsLayer(map);
const layerControl = L.control.layers(null, null, { position: "topleft", collapsed: false }).addTo(map);
const cameras = config.camerasLayerUrl ? new CameraLayer({ map, config, fetchJson, layerControl }) : null;
const dock = cameras && config.camerasNearbyUrl ? new CameraDock({ config, fetchJson, cameras }) : null;
const lpr = config.lprHitsLayerUrl || config.lprReadersLayerUrl ? new LprLayer({ map, config, fetchJson, layerControl }) : null;
const capAreas = new Map(); // CAP alert id -> GeoJSON layer (active alerts only)
function upsertCap(cap) {
  capAreas.get(cap.id)?.remove();
  capAreas.delete(cap.id);
  if (cap.state !== "active" || !cap.area) return;
  const layer = L.geoJSON(cap.area, {
    style: { color: "#ffb020", weight: 2, fillOpacity: 0.08, className: `cap-area cap-${cap.id}` },
  }).bindPopup(() => `<div class="popup"><div class="popup-title">${escapeText(cap.event)}</div>
      <dl><dt>Severity</dt><dd>${escapeText(cap.severity)}</dd><dt>From</dt><dd>${escapeText(cap.sender)}</dd></dl>
      <p>${escapeText(cap.headline)}</p></div>`);
  layer.addTo(map).bringToBack();
  capAreas.set(cap.id, layer);
}
const alertStrip = new AlertStrip({
  list: document.getElementById("alert-list"),
  total: document.getElementById("alert-total"),
  onFocus: (alert) => {
    if (alert.lat !== null) map.flyTo([alert.lat, alert.lon], Math.max(map.getZoom(), 16), { duration: 0.6 });
  },
});
const list = document.getElementById("incident-list");
const onlyUrgent = document.getElementById("only-p1p2");
onlyUrgent.addEventListener("change", renderList);

function drawGraticule(target) {
  // Without tiles, a light 0.05° grid keeps a sense of scale and direction; in its own pane under
  // every data layer, so no line crosses a camera icon.
  target.createPane("graticule").style.zIndex = 250;
  const style = { color: "#2b3a55", weight: 1, interactive: false, pane: "graticule" };
  const step = 0.05;
  const [lat, lon] = config.center;
  for (let i = -20; i <= 20; i += 1) {
    const y = Math.round((lat + i * step) / step) * step;
    const x = Math.round((lon + i * step) / step) * step;
    L.polyline([[y, lon - 1], [y, lon + 1]], style).addTo(target);
    L.polyline([[lat - 1, x], [lat + 1, x]], style).addTo(target);
  }
}

function minutesAgo(iso) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function popupHtml(d) {
  return `<div class="popup">
    <div class="popup-title"><span class="prio p${d.priority}">P${d.priority}</span> ${escapeText(d.final_call_type || d.call_type)}</div>
    <dl>
      <dt>CAD #</dt><dd>${escapeText(d.external_id)}</dd>
      <dt>Status</dt><dd>${escapeText(d.status.replace("_", " "))}</dd>
      <dt>Address</dt><dd>${escapeText(d.address)}</dd>
      <dt>District</dt><dd>${escapeText(d.district)}</dd>
      <dt>Received</dt><dd>${escapeText(new Date(d.received_at).toLocaleString())} (${minutesAgo(d.received_at)} ago)</dd>
      ${d.disposition ? `<dt>Disposition</dt><dd>${escapeText(d.disposition)}</dd>` : ""}
    </dl></div>`;
}

function upsert(d, { fresh = false } = {}) {
  let entry = incidents.get(d.id);
  if (!entry) {
    entry = { data: d, marker: null, row: null };
    incidents.set(d.id, entry);
  }
  entry.data = d;
  if (d.lat !== null && d.lon !== null) {
    const style = {
      radius: d.priority <= 2 ? 8 : 6,
      color: "#0b1220",
      weight: 1,
      fillColor: OPEN.has(d.status) ? PRIORITY_COLOURS[d.priority] : "#475569",
      fillOpacity: OPEN.has(d.status) ? 0.95 : 0.5,
    };
    if (!entry.marker) {
      entry.marker = L.circleMarker([d.lat, d.lon], { ...style, className: `incident-marker incident-${d.id}` }).addTo(map);
      entry.marker.bindPopup(() => popupHtml(entry.data));
      entry.marker.on("popupopen", () => dock?.show(entry.data));
    } else {
      entry.marker.setLatLng([d.lat, d.lon]).setStyle(style);
    }
    entry.marker.options.incidentId = d.id;
  } else if (entry.marker) {
    entry.marker.remove();
    entry.marker = null;
  }
  entry.fresh = fresh;
  if (!OPEN.has(d.status)) {
    clearTimeout(entry.removeTimer);
    entry.removeTimer = setTimeout(() => remove(d.id), CLOSED_LINGER_MS);
  }
}

function remove(id) {
  const entry = incidents.get(id);
  if (!entry || OPEN.has(entry.data.status)) return;
  if (entry.marker) entry.marker.remove();
  incidents.delete(id);
  renderList();
}

function rowFor(entry) {
  const d = entry.data;
  const row = document.createElement("li");
  row.className = `incident p${d.priority}${OPEN.has(d.status) ? "" : " closed"}${entry.fresh ? " fresh" : ""}`;
  row.dataset.incidentId = d.id;
  row.dataset.externalId = d.external_id;
  row.tabIndex = 0;
  row.innerHTML = `
    <span class="prio p${d.priority}">P${d.priority}</span>
    <span class="what">${escapeText(d.final_call_type || d.call_type)}</span>
    <span class="when">${minutesAgo(d.received_at)}</span>
    <span class="where">${escapeText(d.address || "no address")}${d.lat === null ? ' <em class="flag">no location</em>' : ""}</span>
    <span class="state">${escapeText(d.status.replace("_", " "))} · #${escapeText(d.external_id)}${d.district ? ` · D${escapeText(d.district)}` : ""}</span>`;
  row.addEventListener("click", () => focusIncident(d.id));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter") focusIncident(d.id);
  });
  entry.fresh = false;
  return row;
}

function focusIncident(id) {
  const entry = incidents.get(id);
  if (!entry || !entry.marker) return;
  map.flyTo(entry.marker.getLatLng(), Math.max(map.getZoom(), 15), { duration: 0.6 });
  entry.marker.openPopup();
  dock?.show(entry.data); // also when the popup was already open (then it fires no popupopen)
}

function renderList() {
  const entries = [...incidents.values()]
    .filter((e) => !onlyUrgent.checked || e.data.priority <= 2)
    .sort((a, b) => a.data.priority - b.data.priority || Date.parse(b.data.received_at) - Date.parse(a.data.received_at));
  list.replaceChildren(...entries.slice(0, 300).map(rowFor));
  renderCounters();
}

function renderCounters() {
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let total = 0;
  for (const { data } of incidents.values()) {
    if (OPEN.has(data.status)) {
      counts[data.priority] += 1;
      total += 1;
    }
  }
  document.getElementById("open-total").textContent = total;
  document.getElementById("counters").innerHTML = Object.entries(counts)
    .map(([p, n]) => `<span class="counter p${p}" data-priority="${p}" title="Open P${p}">P${p} <b>${n}</b></span>`)
    .join("");
}

function setConnection(state) {
  const labels = {
    connecting: "Connecting…",
    live: "Live",
    reconnecting: "Reconnecting…",
    degraded: "Live (catch-up failed, retrying)",
    denied: "No access",
    "signed-out": "Signed out",
  };
  const el = document.getElementById("conn");
  el.dataset.state = state;
  el.querySelector(".label").textContent = labels[state] || state;
}

function applyEvents(events) {
  for (const event of events) {
    if (event.type === "incident.created" || event.type === "incident.updated") {
      upsert(event.payload, { fresh: true });
    } else if (event.type === "shots.created" || event.type === "shots.updated") {
      shots.upsert(event.payload);
    } else if (event.type === "cap.created" || event.type === "cap.updated") {
      upsertCap(event.payload);
    } else if (event.type === "alert.raised" || event.type === "alert.updated") {
      alertStrip.upsert(event.payload);
      if (event.payload.type === "feed_silent") refreshFeedWidget();
    } else if (event.type === "camera.updated" || event.type === "camera.removed") {
      cameras?.apply(event);
      dock?.cameraChanged(event.payload);
    } else if (event.type.startsWith("lpr.hit.")) {
      lpr?.apply(event);
    }
  }
  renderList();
  alertStrip.render();
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function loadInitial() {
  const layer = await fetchJson(`${config.layerUrl}?open=true&page_size=5000`);
  for (const feature of layer.features) {
    const [lon, lat] = feature.geometry.coordinates;
    upsert({ ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon });
  }
  const unlocated = await fetchJson(`${config.listUrl}?open=true&located=false&limit=500`);
  for (const d of unlocated.results) upsert(d);
  shots.loadFeatures(await fetchJson(`${config.shotsUrl}?since_hours=24&page_size=2000`));
  const cap = await fetchJson(`${config.capUrl}?state=active`);
  for (const feature of cap.features) upsertCap({ ...feature.properties, id: feature.id, area: feature.geometry });
  const newAlerts = await fetchJson(`${config.alertsUrl}?status=new&limit=200`);
  for (const alert of newAlerts.results) alertStrip.upsert(alert);
  renderList();
  alertStrip.render();
}

async function refreshFeedWidget() {
  const widget = document.getElementById("feed-widget");
  try {
    const feeds = await fetchJson(config.feedHealthUrl);
    const trouble = feeds.filter((f) => f.status !== "healthy" && f.status !== "disabled");
    widget.classList.toggle("trouble", trouble.length > 0);
    widget.innerHTML = trouble.length
      ? trouble.map((f) => `<b>${escapeText(f.name)}</b>: ${escapeText(f.status)}`).join("<br>")
      : `Feeds: ${feeds.length ? "all healthy" : "none registered"}`;
  } catch (error) {
    widget.textContent = "Feeds: status unavailable";
  }
}

setInterval(renderList, 30000);
setInterval(refreshFeedWidget, 30000);
await Promise.all([loadInitial(), cameras?.load(), lpr?.load()]);
refreshFeedWidget();
setUpTrackTool({ map, config, fetchJson });
// Exposed for operators' browser consoles (connection state, last seq) and for the browser tests.
window.rtccLive = new LiveStream({
  socketPath: config.socketPath,
  eventsUrl: config.eventsUrl,
  startSeq: config.latestSeq,
  heartbeatSeconds: config.heartbeatSeconds,
  onEvents: applyEvents,
  onState: setConnection,
});
window.rtccLive.start();
window.rtccMap = map;
