// Operation workspace: the area and the incidents inside it on a tile-less map, and the log,
// kept current by LiveStream (operation.* events for this operation, incident.* inside it).
import { connectionIndicator, escapeText, LiveStream, readConfig } from "/static/js/live.js";
import { insideOperation } from "/static/js/geo.js";
import { drawGraticule } from "/static/js/grid.js";

const config = readConfig("workspace-config");
const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView(config.center, 12);
map.attributionControl.setPrefix("RTCC Ops");
drawGraticule(map, config.center, { step: 0.01, lines: 60 }); // events cover a few blocks: a finer grid

const PRIORITY_COLOURS = { 1: "#ff4d4f", 2: "#ff9f1a", 3: "#ffd43b", 4: "#4dabf7", 5: "#94a3b8" };
const incidents = new Map(); // id -> { data, marker }
const logIds = new Set();
const incidentList = document.getElementById("incident-list");
const logList = document.getElementById("log-list");
let areaLayer = null;
let operation = null;

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

async function fetchJson(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { Accept: "application/json", ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function showOperation(op) {
  operation = op;
  document.getElementById("op-name").textContent = op.name;
  const status = document.getElementById("op-status");
  status.textContent = op.status.charAt(0).toUpperCase() + op.status.slice(1);
  status.className = `status status-${op.status}`;
  if (!op.area) return;
  areaLayer?.remove();
  areaLayer = L.geoJSON(op.area, {
    style: { color: "#4dabf7", weight: 3, fillOpacity: 0.08, dashArray: "6 4", className: "operation-area" },
  }).addTo(map);
  map.fitBounds(areaLayer.getBounds(), { padding: [30, 30] });
}

function incidentRow(d) {
  const row = document.createElement("li");
  row.dataset.incident = d.id;
  row.innerHTML = `<span class="prio p${d.priority}">P${d.priority}</span>
    ${escapeText(d.final_call_type || d.call_type)} · ${escapeText(d.external_id)}
    <span class="muted">${escapeText(d.address)} · ${escapeText(new Date(d.received_at).toLocaleTimeString())}</span>`;
  row.addEventListener("click", () => d.lat !== null && map.flyTo([d.lat, d.lon], 16, { duration: 0.5 }));
  return row;
}

function upsertIncident(d) {
  const previous = incidents.get(d.id);
  previous?.marker.remove();
  previous?.row.remove();
  const marker = L.circleMarker([d.lat, d.lon], {
    radius: 7, weight: 2, color: "#0b1220", fillColor: PRIORITY_COLOURS[d.priority] || "#94a3b8", fillOpacity: 0.95,
    className: `op-incident incident-${d.id}`,
  }).bindTooltip(`P${d.priority} ${escapeText(d.final_call_type || d.call_type)} · ${escapeText(d.external_id)}`);
  marker.addTo(map);
  const row = incidentRow(d);
  incidentList.prepend(row);
  incidents.set(d.id, { data: d, marker, row });
  document.getElementById("incident-total").textContent = incidents.size;
}

function removeIncident(id) {
  const entry = incidents.get(id);
  if (!entry) return;
  entry.marker.remove();
  entry.row.remove();
  incidents.delete(id);
  document.getElementById("incident-total").textContent = incidents.size;
}

function fromFeature(feature) {
  const [lon, lat] = feature.geometry ? feature.geometry.coordinates : [null, null];
  return { ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon };
}

function insideThisOperation(d) {
  return insideOperation(operation, { lat: d.lat, lon: d.lon, at: d.received_at });
}

function addLog(entry, { fresh = false } = {}) {
  if (logIds.has(entry.id)) return;
  logIds.add(entry.id);
  const row = document.createElement("li");
  row.dataset.entry = entry.id;
  if (fresh) row.classList.add("fresh");
  const when = new Date(entry.at).toLocaleString();
  row.innerHTML = `<span class="meta"><span class="kind">${escapeText(entry.kind)}</span> · ${escapeText(when)} ·
      ${escapeText(entry.author)}</span>${escapeText(entry.text)}`;
  logList.append(row);
  document.getElementById("log-total").textContent = logIds.size;
  if (fresh) setTimeout(() => row.classList.remove("fresh"), 2500);
  row.scrollIntoView({ block: "nearest" });
}

function onEvents(events) {
  for (const event of events) {
    const p = event.payload;
    if (event.type === "operation.log.appended" && p.operation_id === config.operationId) {
      addLog(p, { fresh: true });
    } else if ((event.type === "operation.updated") && p.id === config.operationId) {
      fetchJson(config.operationUrl).then(showOperation).then(loadIncidents).catch(() => {});
    } else if (event.type === "incident.created" || event.type === "incident.updated") {
      if (insideThisOperation(p)) upsertIncident(p);
      else removeIncident(p.id);
    }
  }
}

async function loadIncidents() {
  let url = config.incidentsUrl;
  const seen = new Set();
  while (url) {
    const page = await fetchJson(url);
    for (const feature of page.features) {
      const d = fromFeature(feature);
      seen.add(d.id);
      upsertIncident(d);
    }
    url = page.next;
  }
  for (const id of [...incidents.keys()]) if (!seen.has(id)) removeIncident(id);
}

async function loadLog() {
  let url = config.logUrl;
  while (url) {
    const page = await fetchJson(url);
    page.results.forEach((entry) => addLog(entry));
    url = page.next;
  }
}

function setUpLogForm() {
  const form = document.getElementById("log-form");
  if (!config.mayLog) return;
  form.hidden = false;
  const kind = document.getElementById("log-kind");
  for (const k of config.kinds) kind.add(new Option(k.label, k.value));
  const text = document.getElementById("log-text");
  const message = document.getElementById("log-message");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try {
      const entry = await fetchJson(config.logUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ text: text.value, kind: kind.value }),
      });
      addLog(entry, { fresh: true });
      text.value = "";
    } catch (error) {
      message.textContent = error.message;
    }
  });
}

const setConnection = connectionIndicator(document.getElementById("conn"));

setUpLogForm();
showOperation(await fetchJson(config.operationUrl));
await Promise.all([loadIncidents(), loadLog()]);
new LiveStream({
  socketPath: config.socketPath,
  eventsUrl: config.eventsUrl,
  startSeq: config.latestSeq,
  heartbeatSeconds: config.heartbeatSeconds,
  onEvents,
  onState: setConnection,
}).start();
