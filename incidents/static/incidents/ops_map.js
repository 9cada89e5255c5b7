// Ops map: open incidents as priority-coloured markers and a live list, kept in sync by LiveStream.
import { baseLayer } from "/static/js/grid.js";
import { connectionIndicator, escapeText, LiveStream, readConfig } from "/static/js/live.js";
import { AlertStrip } from "./ops_alerts.js";
import { CameraLayer } from "./ops_cameras.js";
import { CameraDock } from "./ops_dock.js";
import { CorrelationPanel } from "./ops_correlation.js";
import { IncidentMarkers } from "./ops_incidents.js";
import { AreaOverlays, createLayerControl, fetchAllFeatures, pruneLprHits } from "./ops_layers.js";
import { Playback } from "./ops_playback.js";
import { OperationScope } from "./ops_operation.js";
import { MapSearch } from "./ops_search.js";
import { TimeFilter } from "./ops_timefilter.js";
import { LprLayer } from "./ops_lpr.js";
import { ShotsLayer } from "./ops_shots.js";
import { setUpTrackTool } from "./ops_tracks.js";
import { ShiftPanel } from "./ops_shift.js";

const config = readConfig("ops-config");
const OPEN = new Set(["received", "dispatched", "on_scene"]);
const CLOSED_LINGER_MS = 8000;
const MAX_LINGERING = 200; // a burst of closures must not pile up greyed markers: oldest leave first
const lingering = new Set(); // ids of closed incidents still shown, oldest first

const incidents = new Map(); // id -> { data, marker, group }: open incidents and closed ones lingering
// SVG markers (not canvas): each incident is a DOM element with its id, for tests and accessibility tools.
// maxZoom is explicit because without tiles no layer sets one (marker clustering needs it).
const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView(config.center, config.zoom);
map.attributionControl.setPrefix("RTCC Ops");
baseLayer(map, config); // tiles when configured, a coordinate grid otherwise

// One grouped layer control (ops_layers.js); incident markers per priority, P2–P5 clustered (ops_incidents.js).
const layerControl = createLayerControl(map);
const markers = new IncidentMarkers({ map, layerControl, popupHtml, onPopupOpen: (d) => dock?.show(d) });
const shotsGroup = L.layerGroup().addTo(map);
layerControl.addGrouped(shotsGroup, "Shots fired", "Sensors");
const shots = new ShotsLayer(shotsGroup);
const areas = new AreaOverlays({ map, config, fetchJson, layerControl });
const mapWrap = document.querySelector(".map-wrap");
const timebar = mapWrap.appendChild(Object.assign(document.createElement("div"), { className: "timebar" }));
const timeFilter = new TimeFilter({
  map, config, fetchJson, layerControl, shots, panel: timebar,
  onChange: () => { markers.refilter(incidents.values()); renderList(); },
});
// A large-event operation narrows markers, list, alerts and correlation to its area and window.
const scope = config.operationsUrl
  ? new OperationScope({
      map, config, fetchJson, panel: timebar,
      onChange: () => { markers.refilter(incidents.values()); renderList(); alertStrip.render(); },
    })
  : null;
const inScope = (d) => !scope || scope.allowsIncident(d);
markers.visible = (d) => timeFilter.visible(d) && inScope(d);
const cameras = config.camerasLayerUrl ? new CameraLayer({ map, config, fetchJson, layerControl }) : null;
const dock = cameras && config.camerasNearbyUrl ? new CameraDock({ config, fetchJson, cameras }) : null;
const correlation = config.correlationUrl
  ? new CorrelationPanel({ map, config, fetchJson, cameras, incident: (id) => incidents.get(id)?.data, focusIncident })
  : null;
const lpr = config.lprHitsLayerUrl || config.lprReadersLayerUrl ? new LprLayer({ map, config, fetchJson, layerControl }) : null;
const shiftPanel = config.shiftsCurrentUrl ? new ShiftPanel({ config, fetchJson, container: mapWrap }) : null;
const capAreas = new Map(); // CAP alert id -> GeoJSON layer (active alerts only)
function upsertCap(cap) {
  areas.upsertCap(cap, capAreas); // a toggleable overlay ("CAP alert areas")
}
const alertStrip = new AlertStrip({
  root: document.getElementById("alert-panel"),
  list: document.getElementById("alert-list"),
  total: document.getElementById("alert-total"),
  config,
  fetchJson,
  onFocus: (alert) => {
    if (alert.lat !== null) map.flyTo([alert.lat, alert.lon], Math.max(map.getZoom(), 16), { duration: 0.6 });
  },
  // A located alert opens the correlation panel (cameras, plates, shots, subjects, prior calls);
  // rules with "open the correlation panel" make that happen when the alert arrives.
  onCorrelate: correlation
    ? (alert) => correlation.open({ alertId: alert.id, lat: alert.lat, lon: alert.lon, label: alert.title })
    : null,
});
if (scope) {
  alertStrip.scopeFilter = (alert) => scope.allowsAlert(alert);
  if (correlation) correlation.extraParams = () => scope.params();
}
const list = document.getElementById("incident-list");
const onlyUrgent = document.getElementById("only-p1p2");
onlyUrgent.addEventListener("change", renderList);

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
    </dl>${correlation && d.lat !== null ? `<button type="button" class="corr-open" data-incident-id="${Number(d.id)}">Correlate</button>` : ""}</div>`;
}

function upsert(d, { fresh = false } = {}) {
  let entry = incidents.get(d.id);
  if (!entry) {
    entry = { data: d, marker: null, row: null };
    incidents.set(d.id, entry);
  }
  entry.data = d;
  markers.set(entry); // added to the map in bulk by markers.flush()
  entry.fresh = fresh;
  if (!OPEN.has(d.status)) {
    clearTimeout(entry.removeTimer);
    entry.removeTimer = setTimeout(() => remove(d.id), CLOSED_LINGER_MS);
    lingering.delete(d.id);
    lingering.add(d.id);
    if (lingering.size > MAX_LINGERING) remove(lingering.values().next().value);
  } else {
    lingering.delete(d.id); // re-opened
  }
}

function remove(id) {
  const entry = incidents.get(id);
  if (!entry || OPEN.has(entry.data.status)) return;
  clearTimeout(entry.removeTimer);
  lingering.delete(id);
  markers.drop(entry);
  incidents.delete(id);
  scheduleRender(); // thousands of closed incidents leave in bursts: one list render per burst
}

let renderTimer = null;
function scheduleRender() {
  if (renderTimer === null) renderTimer = setTimeout(() => { renderTimer = null; renderList(); }, 250);
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
  if (!entry || !markers.focus(entry, 15)) return false;
  dock?.show(entry.data); // also when the popup was already open (then it fires no popupopen)
  return true;
}

function renderList() {
  const entries = [...incidents.values()]
    .filter((e) => (!onlyUrgent.checked || e.data.priority <= 2) && timeFilter.visible(e.data) && inScope(e.data))
    .sort((a, b) => a.data.priority - b.data.priority || Date.parse(b.data.received_at) - Date.parse(a.data.received_at));
  list.replaceChildren(...entries.slice(0, 300).map(rowFor));
  renderCounters();
}

function renderCounters() {
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let total = 0;
  for (const { data } of incidents.values()) {
    if (OPEN.has(data.status) && inScope(data)) {
      counts[data.priority] += 1;
      total += 1;
    }
  }
  document.getElementById("open-total").textContent = total;
  document.getElementById("counters").innerHTML = Object.entries(counts)
    .map(([p, n]) => `<span class="counter p${p}" data-priority="${p}" title="Open P${p}">P${p} <b>${n}</b></span>`)
    .join("");
}

const setConnection = connectionIndicator(document.getElementById("conn"));

function applyEvents(events) {
  for (const event of events) {
    if (event.type === "incident.created" || event.type === "incident.updated") {
      upsert(event.payload, { fresh: true });
    } else if (event.type === "shots.created" || event.type === "shots.updated") {
      shots.upsert(event.payload);
    } else if (event.type === "cap.created" || event.type === "cap.updated") {
      upsertCap(event.payload);
    } else if (event.type.startsWith("alert.")) {
      alertStrip.apply(event); // alert.raised / alert.updated / alert.mute.created / alert.mute.ended
      if (event.payload.type === "feed_silent") refreshFeedWidget();
    } else if (event.type === "camera.updated" || event.type === "camera.removed") {
      cameras?.apply(event);
      dock?.cameraChanged(event.payload);
    } else if (event.type.startsWith("lpr.hit.")) {
      lpr?.apply(event);
    } else if (event.type.startsWith("shift.")) {
      shiftPanel?.apply(event); // shift.duty.changed / shift.handover.created (badge, handover banner)
    }
  }
  markers.flush();
  renderList();
  alertStrip.render();
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function loadInitial() {
  // Every open located incident, page by page (10,000 a page).
  for (const feature of await fetchAllFeatures(fetchJson, `${config.layerUrl}?open=true&page_size=10000`)) {
    const [lon, lat] = feature.geometry.coordinates;
    upsert({ ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon });
  }
  markers.flush();
  const unlocated = await fetchJson(`${config.listUrl}?open=true&located=false&limit=500`);
  for (const d of unlocated.results) upsert(d);
  shots.loadFeatures(await fetchJson(`${config.shotsUrl}?since_hours=24&page_size=2000`));
  const cap = await fetchJson(`${config.capUrl}?state=active`);
  for (const feature of cap.features) upsertCap({ ...feature.properties, id: feature.id, area: feature.geometry });
  const openAlerts = await fetchJson(`${config.alertsUrl}?open=true&limit=500`);
  alertStrip.load(openAlerts.results);
  await alertStrip.start(); // active mutes and the alerts-per-hour gauge
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
setInterval(() => pruneLprHits(lpr), 600000);
await Promise.all([loadInitial(), cameras?.load(), lpr?.load(), scope?.load()]);
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
new Playback({ map, config, fetchJson, markers, panel: timebar });
if (config.searchUrl) new MapSearch({ map, config, container: mapWrap, focusIncident });
window.rtccIncidents = incidents; // for the browser tests: entries held (open + closed lingering)
window.rtccMapReady = true;
window.rtccMapReadyMs = Math.round(performance.now()); // navigation start → ready (scale test)
