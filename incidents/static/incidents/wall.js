// Wall display: the city's open incidents, recent shots and open alerts, in large type, following
// the newest priority-1 event (or gunfire) on its own. Read-only: nothing here changes data.
import { baseLayer } from "/static/js/grid.js";
import { connectionIndicator, escapeText, LiveStream, readConfig } from "/static/js/live.js";

const config = readConfig("wall-config");
const OPEN = new Set(["received", "dispatched", "on_scene"]);
const OPEN_ALERTS = new Set(["new", "acknowledged", "assigned"]);
const COLOURS = { 1: "#ff4d4f", 2: "#ff9f1a", 3: "#ffd43b", 4: "#4dabf7", 5: "#94a3b8" };
const SHOTS_WINDOW_MS = 60 * 60 * 1000;
const LIST_LIMIT = 12;
const FOCUS_ZOOM = 14; // close enough to find the spot, wide enough to see what is around it

const map = L.map("map", { zoomControl: false, attributionControl: false, maxZoom: 19 }).setView(config.center, config.zoom);
baseLayer(map, config);
const incidents = new Map(); // id -> { data, marker }
const shots = new Map(); // id -> { data, marker }
const alerts = new Map(); // id -> alert payload (open ones only)
let focus = null; // { key, until }
let focusTimer = null;

function age(iso) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  return minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

function located(d) {
  return d.lat !== null && d.lat !== undefined && d.lon !== null && d.lon !== undefined;
}

function upsertIncident(d) {
  const entry = incidents.get(d.id);
  if (!OPEN.has(d.status)) {
    // Closed calls leave the wall at once: markers never pile up over a long shift.
    entry?.marker?.remove();
    incidents.delete(d.id);
    if (focus?.key === `incident:${d.id}`) endFocus();
    return;
  }
  const style = {
    radius: d.priority === 1 ? 11 : d.priority === 2 ? 8 : 5,
    color: "#0b1220",
    weight: 1,
    fillColor: COLOURS[d.priority],
    fillOpacity: 0.95,
  };
  const record = entry || { data: d, marker: null };
  record.data = d;
  if (located(d)) {
    if (record.marker) record.marker.setLatLng([d.lat, d.lon]).setStyle(style);
    else record.marker = L.circleMarker([d.lat, d.lon], { ...style, className: `wall-incident incident-${d.id}` }).addTo(map);
  } else if (record.marker) {
    record.marker.remove();
    record.marker = null;
  }
  incidents.set(d.id, record);
}

function upsertShot(s) {
  const entry = shots.get(s.id);
  const stale = Date.now() - Date.parse(s.detected_at) > SHOTS_WINDOW_MS;
  if (stale || s.review_status === "not_gunfire" || !located(s)) {
    entry?.marker?.remove();
    shots.delete(s.id);
    return;
  }
  const record = entry || { data: s, marker: null };
  record.data = s;
  if (!record.marker) {
    record.marker = L.circleMarker([s.lat, s.lon], {
      radius: 16, color: COLOURS[1], weight: 3, fill: false, className: `shots-marker wall-shot shots-${s.id}`,
    }).addTo(map);
  } else {
    record.marker.setLatLng([s.lat, s.lon]);
  }
  shots.set(s.id, record);
}

function upsertAlert(a) {
  if (OPEN_ALERTS.has(a.status)) alerts.set(a.id, a);
  else alerts.delete(a.id);
}

function showFocus({ key, kind, what, where, when, lat, lon, marker }) {
  focus = { key, marker };
  const card = document.getElementById("wall-focus");
  card.innerHTML = `<div class="kind">${escapeText(kind)}</div><div class="what">${escapeText(what)}</div>
    <div class="where">${escapeText(where || "no address")}</div><div class="when">${escapeText(when)}</div>`;
  card.dataset.focus = key;
  card.hidden = false;
  document.querySelectorAll(".wall-focused").forEach((el) => el.classList.remove("wall-focused"));
  marker?.getElement()?.classList.add("wall-focused");
  if (lat !== null && lat !== undefined) map.flyTo([lat, lon], FOCUS_ZOOM, { duration: 1.2 });
  clearTimeout(focusTimer);
  focusTimer = setTimeout(endFocus, config.focusSeconds * 1000);
}

function endFocus() {
  clearTimeout(focusTimer);
  focus?.marker?.getElement()?.classList.remove("wall-focused");
  focus = null;
  const card = document.getElementById("wall-focus");
  card.hidden = true;
  delete card.dataset.focus;
  map.flyTo(config.center, config.zoom, { duration: 1.2 });
}

function focusIncident(d) {
  showFocus({
    key: `incident:${d.id}`,
    kind: `Priority ${d.priority} · CAD #${d.external_id}`,
    what: d.final_call_type || d.call_type,
    where: d.address,
    when: `Received ${new Date(d.received_at).toLocaleTimeString()} · ${age(d.received_at)}`,
    lat: d.lat,
    lon: d.lon,
    marker: incidents.get(d.id)?.marker,
  });
}

function focusShot(s) {
  showFocus({
    key: `shots:${s.id}`,
    kind: "Shots fired",
    what: s.rounds ? `${s.rounds} rounds detected` : "Gunfire detected",
    where: s.address,
    when: `Detected ${new Date(s.detected_at).toLocaleTimeString()} · ${age(s.detected_at)}`,
    lat: s.lat,
    lon: s.lon,
    marker: shots.get(s.id)?.marker,
  });
}

function row(className, what, where) {
  const li = document.createElement("li");
  li.className = className;
  li.innerHTML = `<div class="what">${escapeText(what)}</div><div class="where">${escapeText(where)}</div>`;
  return li;
}

function render() {
  const open = [...incidents.values()].map((e) => e.data);
  const counts = { 1: 0, 2: 0, 3: 0 };
  for (const d of open) if (d.priority in counts) counts[d.priority] += 1;
  document.getElementById("wall-counters").innerHTML = Object.entries(counts)
    .map(([p, n]) => `<span class="counter p${p}" data-priority="${p}">P${p} <b>${n}</b></span>`)
    .join("");
  const urgent = open
    .filter((d) => d.priority <= 2)
    .sort((a, b) => a.priority - b.priority || Date.parse(b.received_at) - Date.parse(a.received_at));
  document.getElementById("wall-urgent-total").textContent = urgent.length;
  document.getElementById("wall-urgent").replaceChildren(
    ...urgent.slice(0, LIST_LIMIT).map((d) => {
      const li = row(`p${d.priority}`, `P${d.priority} ${d.final_call_type || d.call_type}`, `${d.address || "no address"} · ${age(d.received_at)}`);
      li.dataset.incidentId = d.id;
      return li;
    }),
  );
  for (const [id, { data }] of shots) if (Date.now() - Date.parse(data.detected_at) > SHOTS_WINDOW_MS) upsertShot({ ...data, id });
  const recentShots = [...shots.values()].map((e) => e.data).sort((a, b) => Date.parse(b.detected_at) - Date.parse(a.detected_at));
  document.getElementById("wall-shots-total").textContent = recentShots.length;
  document.getElementById("wall-shots").replaceChildren(
    ...recentShots.slice(0, 6).map((s) => row("p1", s.rounds ? `${s.rounds} rounds` : "Gunfire", `${s.address || "no address"} · ${age(s.detected_at)}`)),
  );
  const openAlerts = [...alerts.values()].sort((a, b) => a.priority - b.priority || Date.parse(b.created_at) - Date.parse(a.created_at));
  document.getElementById("wall-alerts-total").textContent = openAlerts.length;
  document.getElementById("wall-alerts").replaceChildren(
    ...openAlerts.slice(0, 6).map((a) => row(`p${Math.min(a.priority, 3)}`, a.title, `${a.status} · ${age(a.created_at)}`)),
  );
}

function applyEvents(events) {
  for (const event of events) {
    const p = event.payload;
    if (event.type === "incident.created" || event.type === "incident.updated") {
      upsertIncident(p);
      if (event.type === "incident.created" && p.priority === 1 && OPEN.has(p.status)) focusIncident(p);
    } else if (event.type === "shots.created" || event.type === "shots.updated") {
      upsertShot(p);
      if (event.type === "shots.created" && shots.has(p.id)) focusShot(p);
    } else if (event.type === "alert.raised" || event.type === "alert.updated") {
      upsertAlert(p);
    }
  }
  render();
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function fromFeature(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  return { ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon };
}

async function loadInitial() {
  let url = `${config.layerUrl}?open=true&page_size=10000`;
  while (url) {
    const page = await fetchJson(url);
    for (const feature of page.features) upsertIncident(fromFeature(feature));
    url = page.next;
  }
  const recent = await fetchJson(`${config.shotsUrl}?since_hours=1&page_size=2000`);
  for (const feature of recent.features) upsertShot(fromFeature(feature));
  const open = await fetchJson(`${config.alertsUrl}?status=new&status=acknowledged&status=assigned&limit=200`);
  for (const alert of open.results) upsertAlert(alert);
  render();
  // Follow a priority-1 call that came in shortly before the wall (re)started.
  const newest = [...incidents.values()]
    .map((e) => e.data)
    .filter((d) => d.priority === 1 && Date.now() - Date.parse(d.received_at) < config.focusSeconds * 1000)
    .sort((a, b) => Date.parse(b.received_at) - Date.parse(a.received_at))[0];
  if (newest) focusIncident(newest);
}

function tick() {
  document.getElementById("wall-clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

const setConnection = connectionIndicator(document.getElementById("conn"));

tick();
setInterval(tick, 1000);
setInterval(render, 30000);
await loadInitial();
const live = new LiveStream({
  socketPath: config.socketPath,
  eventsUrl: config.eventsUrl,
  startSeq: config.latestSeq,
  heartbeatSeconds: config.heartbeatSeconds,
  onEvents: applyEvents,
  onState: setConnection,
});
live.start();
// For the browser tests and an operator's console: what is on the wall right now.
window.rtccWall = {
  live,
  map,
  focused: () => focus?.key ?? null,
  markerCount: () => document.querySelectorAll("#map path.wall-incident, #map path.wall-shot").length,
};
