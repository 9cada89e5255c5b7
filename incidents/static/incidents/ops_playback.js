// Playback of the last N hours: the window is fetched once (open and closed incidents, shots) and
// replayed in the browser. At playback time t an incident is shown when it was received by t and
// not yet closed by t; a shot for 30 min after its detection. Live markers are hidden meanwhile
// (hidden, still updated: the live list and counters go on); "Back to live" shows them again.
import { escapeText } from "/static/js/live.js";
import { clusterGroupFor, markerStyle } from "./ops_incidents.js";
import { fetchIncidentWindow } from "./ops_timefilter.js";
import { fetchAllFeatures } from "./ops_layers.js";

const TICK_MS = 200;
const SHOT_SHOWN_MS = 30 * 60e3;

export class Playback {
  constructor({ map, config, fetchJson, markers, panel }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.markers = markers;
    this.items = [];
    this.active = false;
    this.playing = false;
    this.build(panel);
  }

  build(panel) {
    const box = document.createElement("div");
    box.className = "playback";
    box.innerHTML = `<label>Playback last <select id="playback-hours" aria-label="Playback window">
        <option value="1">1 h</option><option value="3">3 h</option><option value="6" selected>6 h</option>
        <option value="12">12 h</option><option value="24">24 h</option></select></label>
      <label>at <select id="playback-speed" aria-label="Playback speed">
        <option value="60">60×</option><option value="300" selected>300×</option><option value="900">900×</option>
        <option value="3600">3600×</option></select></label>
      <button type="button" id="playback-play" class="primary" aria-label="Play">Play</button>
      <input type="range" id="playback-slider" min="0" max="1" step="1000" value="0" aria-label="Playback time" hidden>
      <time id="playback-clock" class="playback-clock" hidden></time>
      <button type="button" id="playback-live" hidden>Back to live</button>
      <span id="playback-status" class="muted" role="status"></span>`;
    panel.appendChild(box);
    this.el = (id) => box.querySelector(`#${id}`);
    this.el("playback-play").addEventListener("click", () => this.toggle());
    this.el("playback-live").addEventListener("click", () => this.stop());
    this.el("playback-slider").addEventListener("input", (event) => {
      this.time = Number(event.target.value);
      this.render();
    });
    this.el("playback-speed").addEventListener("change", (event) => {
      this.speed = Number(event.target.value);
    });
  }

  async toggle() {
    if (!this.active) await this.start();
    else if (this.playing) this.pause();
    else this.resume();
  }

  async start() {
    const hours = Number(this.el("playback-hours").value);
    this.speed = Number(this.el("playback-speed").value);
    this.end = Date.now();
    this.begin = this.end - hours * 3600e3;
    const status = this.el("playback-status");
    status.textContent = "Loading…";
    const start = new Date(this.begin).toISOString();
    const layerUrl = this.config.layerUrl;
    try {
      const [received, stillOpen, closedLater, shots] = await Promise.all([
        fetchIncidentWindow(this.fetchJson, layerUrl, { received_after: start }),
        fetchIncidentWindow(this.fetchJson, layerUrl, { received_before: start, open: "true" }),
        fetchIncidentWindow(this.fetchJson, layerUrl, { received_before: start, closed_after: start }),
        fetchAllFeatures(this.fetchJson, `${this.config.shotsUrl}?since_hours=${hours + 0.5}&page_size=10000`),
      ]);
      this.load([...received, ...stillOpen, ...closedLater], shots);
    } catch (error) {
      status.textContent = "Playback data unavailable";
      console.warn(error);
      return;
    }
    status.textContent = `${this.items.length} incidents, ${this.shotItems.length} shots`;
    this.active = true;
    this.markers.suspend(); // hides live incident markers and live shots (CSS)
    if (!this.map.getPane("playback")) {
      this.map.createPane("playback").style.zIndex = 410;
      this.map.createPane("playbackClusters").style.zIndex = 595;
      this.map.createPane("playbackP1").style.zIndex = 641;
    }
    this.groups = {};
    for (const p of [1, 2, 3, 4, 5]) this.groups[p] = (p === 1 ? L.layerGroup() : clusterGroupFor(p, "playbackClusters")).addTo(this.map);
    this.shotLayer = L.layerGroup().addTo(this.map);
    const slider = this.el("playback-slider");
    Object.assign(slider, { min: String(this.begin), max: String(this.end), value: String(this.begin) });
    for (const id of ["playback-slider", "playback-clock", "playback-live"]) this.el(id).hidden = false;
    this.time = this.begin;
    this.render();
    this.resume();
  }

  load(features, shots) {
    const seen = new Set();
    this.items = [];
    for (const f of features) {
      const id = f.id ?? f.properties.id;
      if (seen.has(id)) continue;
      seen.add(id);
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const data = { ...p, id, lat, lon, status: "received" };
      const closed = p.closed_at ? Date.parse(p.closed_at) : Infinity;
      this.items.push({ data, from: Date.parse(p.received_at), to: closed, marker: null, shown: false });
    }
    this.shotItems = shots.map((f) => ({
      data: f.properties,
      lat: f.geometry.coordinates[1],
      lon: f.geometry.coordinates[0],
      from: Date.parse(f.properties.detected_at),
      marker: null,
      shown: false,
    }));
  }

  resume() {
    if (this.time >= this.end) this.time = this.begin;
    this.playing = true;
    this.el("playback-play").textContent = "Pause";
    this.el("playback-play").setAttribute("aria-label", "Pause");
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.time = Math.min(this.end, this.time + this.speed * TICK_MS);
      this.render();
      if (this.time >= this.end) this.pause();
    }, TICK_MS);
  }

  pause() {
    this.playing = false;
    clearInterval(this.timer);
    this.el("playback-play").textContent = "Play";
    this.el("playback-play").setAttribute("aria-label", "Play");
  }

  render() {
    const t = this.time;
    const add = { 1: [], 2: [], 3: [], 4: [], 5: [] };
    const drop = { 1: [], 2: [], 3: [], 4: [], 5: [] };
    let shown = 0;
    for (const item of this.items) {
      const want = item.from <= t && t < item.to;
      shown += want ? 1 : 0;
      if (want === item.shown) continue;
      item.shown = want;
      const p = item.data.priority;
      if (want) {
        item.marker ||= L.circleMarker([item.data.lat, item.data.lon], {
          ...markerStyle(item.data),
          pane: p === 1 ? "playbackP1" : "playback",
          className: `incident-marker playback-marker incident-${item.data.id} p${p}`,
        }).bindPopup(() => this.popup(item));
        add[p].push(item.marker);
      } else if (item.marker) {
        drop[p].push(item.marker);
      }
    }
    for (const p of [1, 2, 3, 4, 5]) {
      const group = this.groups[p];
      if (p === 1) {
        for (const m of drop[p]) group.removeLayer(m);
        for (const m of add[p]) group.addLayer(m);
      } else {
        if (drop[p].length) group.removeLayers(drop[p]);
        if (add[p].length) group.addLayers(add[p]);
      }
    }
    for (const shot of this.shotItems) {
      const want = shot.from <= t && t < shot.from + SHOT_SHOWN_MS;
      if (want === shot.shown) continue;
      shot.shown = want;
      shot.marker ||= L.circleMarker([shot.lat, shot.lon], { radius: 14, color: "#ff4d4f", weight: 3, fill: false, pane: "playback", className: "shots-marker playback-shot" });
      if (want) shot.marker.addTo(this.shotLayer);
      else shot.marker.remove();
    }
    const when = new Date(t);
    const clock = this.el("playback-clock");
    clock.dateTime = when.toISOString();
    clock.textContent = `${when.toLocaleDateString()} ${when.toLocaleTimeString()} · ${shown} open`;
    this.el("playback-slider").value = String(t);
    this.map.getContainer().dataset.playbackOpen = String(shown);
  }

  popup(item) {
    const d = item.data;
    const closed = Number.isFinite(item.to) ? new Date(item.to).toLocaleTimeString() : "still open";
    return `<div class="popup"><div class="popup-title"><span class="prio p${Number(d.priority)}">P${Number(d.priority)}</span>
      ${escapeText(d.final_call_type || d.call_type)}</div><dl><dt>CAD #</dt><dd>${escapeText(d.external_id)}</dd>
      <dt>Address</dt><dd>${escapeText(d.address)}</dd><dt>Received</dt><dd>${escapeText(new Date(item.from).toLocaleTimeString())}</dd>
      <dt>Closed</dt><dd>${escapeText(closed)}</dd></dl></div>`;
  }

  stop() {
    this.pause();
    for (const group of Object.values(this.groups || {})) group.remove();
    this.shotLayer?.remove();
    this.groups = null;
    this.items = [];
    this.shotItems = [];
    this.active = false;
    for (const id of ["playback-slider", "playback-clock", "playback-live"]) this.el(id).hidden = true;
    this.el("playback-status").textContent = "";
    delete this.map.getContainer().dataset.playbackOpen;
    this.markers.resume();
  }
}
