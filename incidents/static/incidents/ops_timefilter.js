// Time filter of the ops map (open now / last 1 h / 6 h / 24 h / custom) and the incident heatmap.
// Markers: open incidents received in the window (all loaded at start, so this filters in the
// browser). Heatmap: every incident received in the window, open or closed, fetched from the layer
// API with received_after / received_before. Shots: detected in the window (24 h when "open now").
import { fetchAllFeatures } from "./ops_layers.js";

const RANGES = { open: null, "1h": 1, "6h": 6, "24h": 24 };
const SHOTS_KEEP_HOURS = 24;

function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export async function fetchIncidentWindow(fetchJson, layerUrl, params) {
  const query = new URLSearchParams({ page_size: "10000", ...params });
  return fetchAllFeatures(fetchJson, `${layerUrl}?${query}`);
}

export class TimeFilter {
  constructor({ map, config, fetchJson, layerControl, panel, onChange, shots }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.onChange = onChange;
    this.shots = shots;
    this.range = "open";
    this.custom = null; // { from: Date, to: Date }
    this.heat = L.heatLayer([], { radius: 25, blur: 18, maxZoom: 12, minOpacity: 0.35, max: 1 });
    this.heatRequest = 0;
    layerControl.addGrouped(this.heat, "Heatmap (time filter)", "Incidents");
    this.heat.on("add", () => this.refreshHeat());
    this.build(panel);
    setInterval(() => this.tick(), 60000); // relative windows slide with the clock
  }

  build(panel) {
    const row = document.createElement("div");
    row.className = "timefilter";
    row.innerHTML = `<label>Show <select id="time-range" aria-label="Time filter">
        <option value="open">Open now</option><option value="1h">Last 1 h</option>
        <option value="6h">Last 6 h</option><option value="24h">Last 24 h</option><option value="custom">Custom…</option>
      </select></label>
      <span class="custom-range" hidden>
        <input type="datetime-local" id="time-from" aria-label="From"> – <input type="datetime-local" id="time-to" aria-label="To">
        <button type="button" id="time-apply">Apply</button>
      </span>
      <span id="time-summary" class="muted" role="status">all open incidents · shots 24 h</span>`;
    panel.appendChild(row);
    this.select = row.querySelector("#time-range");
    this.customBox = row.querySelector(".custom-range");
    this.summary = row.querySelector("#time-summary");
    this.select.addEventListener("change", () => {
      if (this.select.value === "custom") {
        this.customBox.hidden = false;
        const now = new Date();
        row.querySelector("#time-to").value ||= localInput(now);
        row.querySelector("#time-from").value ||= localInput(new Date(now - 6 * 3600e3));
        return;
      }
      this.customBox.hidden = true;
      this.set(this.select.value);
    });
    row.querySelector("#time-apply").addEventListener("click", () => {
      const from = new Date(row.querySelector("#time-from").value);
      const to = new Date(row.querySelector("#time-to").value);
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
        this.summary.textContent = "From must be before to.";
        return;
      }
      this.custom = { from, to };
      this.set("custom");
    });
  }

  set(range) {
    this.range = range;
    this.apply();
  }

  // The window as dates, or null for "open now" (no time limit on markers).
  window() {
    if (this.range === "custom" && this.custom) return this.custom;
    const hours = RANGES[this.range];
    if (!hours) return null;
    const to = new Date();
    return { from: new Date(to - hours * 3600e3), to: null };
  }

  visible(d) {
    const w = this.window();
    if (!w) return true;
    const t = Date.parse(d.received_at);
    return t >= w.from.getTime() && (!w.to || t < w.to.getTime());
  }

  shotVisible(shot) {
    const w = this.window() || { from: new Date(Date.now() - SHOTS_KEEP_HOURS * 3600e3), to: null };
    const t = Date.parse(shot.detected_at);
    return t >= w.from.getTime() && (!w.to || t < w.to.getTime());
  }

  apply() {
    const w = this.window();
    this.summary.textContent = w
      ? `${w.from.toLocaleString()} – ${w.to ? w.to.toLocaleString() : "now"}`
      : "all open incidents · shots 24 h";
    this.onChange();
    this.filterShots();
    if (this.map.hasLayer(this.heat)) this.refreshHeat();
  }

  tick() {
    if (this.range !== "open" && this.range !== "custom") this.onChange();
    this.filterShots();
  }

  // Shots are kept for 24 h at most (older ones leave memory), and shown only inside the window.
  filterShots() {
    const limit = Date.now() - SHOTS_KEEP_HOURS * 3600e3;
    for (const [id, marker] of this.shots.markers) {
      const shot = marker.shot;
      if (Date.parse(shot.detected_at) < limit && (this.range !== "custom" || !this.shotVisible(shot))) {
        marker.remove();
        this.shots.markers.delete(id);
      } else if (this.shotVisible(shot)) {
        if (!this.shots.map.hasLayer(marker)) marker.addTo(this.shots.map);
      } else {
        marker.remove();
      }
    }
  }

  async refreshHeat() {
    const request = (this.heatRequest += 1);
    const w = this.window() || { from: new Date(Date.now() - 24 * 3600e3), to: null };
    const params = { received_after: w.from.toISOString() };
    if (w.to) params.received_before = w.to.toISOString();
    const features = await fetchIncidentWindow(this.fetchJson, this.config.layerUrl, params);
    if (request !== this.heatRequest) return; // a newer filter won
    // Weight by priority: a P1 counts three times a P5.
    this.heat.setLatLngs(
      features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0], (8 - f.properties.priority) / 7]),
    );
    this.heatCount = features.length;
    this.map.getContainer().dataset.heatPoints = String(features.length);
  }
}
