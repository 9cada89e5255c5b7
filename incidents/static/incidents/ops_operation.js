// Scope the ops map to a large-event operation (parade, game): its outline on the map, and only
// the incidents, alerts and correlation items inside its area (and, for incidents and alerts, its
// time window). The same rule as operations.selectors.operation_contains, applied to live events.
import { insideOperation } from "/static/js/geo.js";
import { escapeText } from "/static/js/live.js";

export class OperationScope {
  constructor({ map, config, fetchJson, panel, onChange }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.onChange = onChange;
    this.operations = new Map(); // id -> operation (with area)
    this.current = null;
    this.outline = null;
    const row = document.createElement("div");
    row.className = "operation-scope";
    row.innerHTML = `<label>Operation <select id="operation-scope" aria-label="Scope the map to an operation">
      <option value="">Whole city</option></select></label>
      <span id="operation-summary" class="muted" role="status"></span>`;
    panel.appendChild(row);
    this.select = row.querySelector("#operation-scope");
    this.summary = row.querySelector("#operation-summary");
    this.select.addEventListener("change", () => this.choose(this.select.value));
  }

  async load() {
    const page = await this.fetchJson(`${this.config.operationsUrl}?limit=100`);
    const now = Date.now();
    // Planned and active operations; ended ones are history (their workspace keeps the log).
    for (const op of page.results ?? page) {
      if (Date.parse(op.ends_at) > now) this.operations.set(op.id, op);
    }
    const options = [...this.operations.values()].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    this.select.insertAdjacentHTML(
      "beforeend",
      options.map((op) => `<option value="${Number(op.id)}">${escapeText(op.name)}</option>`).join(""),
    );
    this.select.closest(".operation-scope").hidden = options.length === 0;
  }

  choose(value) {
    this.outline?.remove();
    this.outline = null;
    this.current = value ? this.operations.get(Number(value)) ?? null : null;
    if (this.current) {
      this.outline = L.geoJSON(this.current.area, {
        interactive: false,
        style: { color: "#4dabf7", weight: 2, dashArray: "6 4", fillOpacity: 0.05, className: "operation-outline" },
      }).addTo(this.map);
      this.map.fitBounds(this.outline.getBounds(), { padding: [30, 30] });
      const from = new Date(this.current.starts_at).toLocaleString();
      const to = new Date(this.current.ends_at).toLocaleString();
      this.summary.textContent = `${from} – ${to}: incidents, alerts and correlation inside it only`;
    } else {
      this.summary.textContent = "";
    }
    this.onChange();
  }

  allowsIncident(d) {
    return !this.current || insideOperation(this.current, { lat: d.lat, lon: d.lon, at: d.received_at });
  }

  allowsAlert(a) {
    return !this.current || insideOperation(this.current, { lat: a.lat, lon: a.lon, at: a.created_at });
  }

  // Extra query parameters for the correlation API.
  params() {
    return this.current ? { operation: String(this.current.id) } : {};
  }
}
