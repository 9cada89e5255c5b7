// Correlation panel: what was around an incident, an alert or any map point within R metres and ±T
// minutes (GET /api/v1/correlation/). Plate reads and GPS subjects unlock with a purpose and a case
// number (audited server-side). Everything it draws lives in one layer group, cleared on close.
import { escapeText } from "/static/js/live.js";
import { CasePicker } from "../cases/add_to_case.js";

const MINUS = "\u2212";
const ADD_TO_CASE_TIP = "Your role cannot add to cases";
const COLOURS = { cameras: "#22d3ee", shots: "#ff4d4f", lpr_reads: "#fbbf24", gps_subjects: "#c084fc", prior_incidents: "#94a3b8" };
const TITLES = {
  cameras: "Cameras",
  shots: "Shots fired",
  lpr_reads: "Plate reads",
  gps_subjects: "GPS subjects",
  prior_incidents: "Prior incidents (90 days)",
};
const WITHHELD = {
  role: "Not available to your role.",
  "purpose and case number required": "Choose a purpose and enter the case number to see these (audited).",
};

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

// "+3 min", "−12 min"; under a minute "+40 s"; prior incidents in days (hours on the same day).
export function formatOffset(seconds, unit = "min") {
  if (seconds === null || seconds === undefined) return "";
  const sign = seconds > 0 ? "+" : seconds < 0 ? MINUS : "";
  const abs = Math.abs(seconds);
  if (unit === "d" && abs < 86400) return abs < 3600 ? `${sign}${Math.round(abs / 60)} min` : `${sign}${Math.round(abs / 3600)} h`;
  if (unit === "d") return `${sign}${Math.round(abs / 86400)} d`;
  if (abs === 0) return "0 min";
  if (abs < 60) return `${sign}${abs} s`;
  return `${sign}${Math.round(abs / 60)} min`;
}

function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export class CorrelationPanel {
  constructor({ map, config, fetchJson, cameras = null, incident = () => null, focusIncident = () => {} }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.cameras = cameras;
    this.incident = incident;
    this.focusIncident = focusIncident;
    this.layer = L.layerGroup().addTo(map);
    this.markers = new Map(); // `${section}:${id}` -> marker
    this.anchor = null;
    this.ticket = 0;
    this.element = document.getElementById("correlation-panel");
    this.casePicker = config.casesUrl ? new CasePicker(config.casesUrl) : null;
    this.build();
    // Right-click anywhere: "Correlate here".
    map.on("contextmenu", (event) => this.offerAt(event.latlng));
    // The "Correlate" button of incident popups (rendered by ops_map.js).
    map.getContainer().addEventListener("click", (event) => {
      const button = event.target.closest("button.corr-open");
      if (!button) return;
      const id = Number(button.dataset.incidentId);
      const d = this.incident(id);
      this.open({ incidentId: id, lat: d?.lat, lon: d?.lon, label: d ? `#${d.external_id}` : `incident ${id}`, caseNumber: d?.external_id });
    });
  }

  build() {
    const purposes = (this.config.purposes || [])
      .map((p) => `<option value="${escapeText(p.value)}">${escapeText(p.label)}</option>`)
      .join("");
    const unlock = this.config.canSearchLpr || this.config.canTrack;
    this.element.innerHTML = `
      <div class="dock-head">
        <h2>Correlation <span class="corr-label muted"></span></h2>
        <button type="button" class="link corr-close" aria-label="Close the correlation panel">Close</button>
      </div>
      <form class="corr-form">
        <label class="corr-inline">Radius <input name="radius" type="number" min="50" max="2000" step="50" value="300"> m</label>
        <label class="corr-inline">± <input name="window" type="number" min="1" max="120" step="1" value="15"> min</label>
        <label class="corr-inline corr-at" hidden>At <input name="at" type="datetime-local"></label>
        ${unlock ? `<label class="corr-inline corr-wide">Purpose <select name="purpose" aria-label="Purpose"><option value="">— choose why (plates, GPS) —</option>${purposes}</select></label>
        <label class="corr-inline">Case <input name="case_number" maxlength="40" autocomplete="off" aria-label="Case or CAD number"></label>` : ""}
        <button type="submit" class="corr-apply">Apply</button>
      </form>
      <p class="corr-summary dock-summary" role="status"></p>
      <div class="corr-sections"></div>`;
    this.form = this.element.querySelector(".corr-form");
    this.sections = this.element.querySelector(".corr-sections");
    this.summary = this.element.querySelector(".corr-summary");
    if (this.casePicker) this.summary.before(this.casePicker.element);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.load();
    });
    this.element.querySelector(".corr-close").addEventListener("click", () => this.close());
  }

  offerAt(latlng) {
    const box = document.createElement("div");
    box.className = "popup corr-offer";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "corr-here";
    button.textContent = "Correlate here";
    box.append(button);
    const popup = L.popup().setLatLng(latlng).setContent(box).openOn(this.map);
    button.addEventListener("click", () => {
      this.map.closePopup(popup);
      this.open({ lat: latlng.lat, lon: latlng.lng, label: `${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}` });
    });
  }

  // open({lat, lon, at, incidentId, alertId, label, caseNumber}): at (ISO or Date) only for map points.
  open({ lat = null, lon = null, at = null, incidentId = null, alertId = null, label = "", caseNumber = "" } = {}) {
    this.anchor = { lat, lon, incidentId, alertId };
    this.element.querySelector(".corr-label").textContent = label;
    const point = !incidentId && !alertId;
    this.element.querySelector(".corr-at").hidden = !point;
    this.form.elements.at.value = point ? localInput(at ? new Date(at) : new Date()) : "";
    if (this.form.elements.purpose) {
      this.form.elements.purpose.value = ""; // a purpose is stated per case, never carried over
      this.form.elements.case_number.value = caseNumber || "";
    }
    this.element.hidden = false;
    const anchorItem = incidentId ? { section: "incident", id: incidentId } : alertId ? { section: "alert", id: alertId } : null;
    this.casePicker?.setAnchor(anchorItem && { ...anchorItem, label });
    this.casePicker?.refresh();
    this.load();
  }

  close() {
    this.ticket += 1; // answers on their way are for a closed panel
    this.element.hidden = true;
    this.anchor = null;
    this.layer.clearLayers();
    this.markers.clear();
    this.sections.replaceChildren();
    this.cameras?.highlight(null);
  }

  query() {
    const f = this.form.elements;
    const params = new URLSearchParams({ radius: f.radius.value, window: f.window.value });
    if (this.anchor.incidentId) params.set("incident", this.anchor.incidentId);
    else if (this.anchor.alertId) params.set("alert", this.anchor.alertId);
    else {
      params.set("lat", this.anchor.lat);
      params.set("lon", this.anchor.lon);
      if (f.at.value) params.set("at", new Date(f.at.value).toISOString());
    }
    for (const [name, value] of Object.entries(this.extraParams?.() ?? {})) params.set(name, value); // operation scope
    // The case number is prefilled; only a chosen purpose makes it a request to see plates and GPS.
    if (f.purpose && f.purpose.value) {
      params.set("purpose", f.purpose.value);
      params.set("case_number", f.case_number.value.trim());
    }
    return params;
  }

  async load() {
    if (!this.anchor) return;
    const ticket = ++this.ticket;
    this.summary.textContent = "Looking around…";
    this.summary.classList.remove("corr-error");
    const response = await fetch(`${this.config.correlationUrl}?${this.query()}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).catch((error) => ({ ok: false, status: 0, json: async () => ({ error: error.message }) }));
    const body = await response.json().catch(() => ({}));
    if (ticket !== this.ticket) return;
    if (!response.ok) {
      this.summary.textContent = body.error || `Refused (HTTP ${response.status})`;
      this.summary.classList.add("corr-error");
      return;
    }
    this.render(body);
  }

  render(body) {
    const { anchor, sections } = body;
    this.result = body;
    const caseInput = this.form.elements.case_number;
    if (caseInput && !caseInput.value && anchor.cad_number) caseInput.value = anchor.cad_number;
    const at = new Date(anchor.at).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
    this.summary.textContent = `Within ${body.radius_m} m and ±${body.window_min} min of ${at}${body.purpose ? ` · purpose ${body.purpose}, case ${body.case_number} (audited)` : ""}`;
    this.layer.clearLayers();
    this.markers.clear();
    const centre = [anchor.lat, anchor.lon];
    L.circle(centre, { radius: body.radius_m, color: "#e2e8f0", weight: 1.5, dashArray: "6 6", fillOpacity: 0.04, interactive: false, className: "corr-radius" }).addTo(this.layer);
    L.circleMarker(centre, { radius: 5, color: "#ffffff", weight: 2, fillColor: "#0b1220", fillOpacity: 1, interactive: false, className: "corr-anchor" }).addTo(this.layer);
    this.sections.replaceChildren(...Object.keys(TITLES).map((name) => this.section(name, sections[name])));
    this.map.fitBounds(L.latLng(centre).toBounds(body.radius_m * 2.2), { maxZoom: 18 });
  }

  section(name, data) {
    const box = document.createElement("section");
    box.className = `corr-section corr-${name}`;
    box.dataset.section = name;
    const count = data.withheld ? "—" : `${data.count}${data.capped ? "+" : ""}`;
    const seeing = name === "cameras" && !data.withheld ? ` · ${data.seeing} see the spot` : "";
    box.innerHTML = `<h3><span class="corr-dot"></span>${escapeText(TITLES[name])} <span class="badge">${escapeText(count)}</span><span class="muted">${escapeText(seeing)}</span></h3>`;
    if (data.withheld) {
      const note = document.createElement("p");
      note.className = "corr-withheld";
      note.dataset.withheld = data.withheld;
      note.textContent = WITHHELD[data.withheld] || data.withheld;
      box.append(note);
      return box;
    }
    const list = document.createElement("ol");
    list.className = "corr-list";
    if (!data.items.length) list.innerHTML = '<li class="corr-none muted">None</li>';
    for (const item of data.items) list.append(this.row(name, item));
    box.append(list);
    return box;
  }

  describe(name, item) {
    const metres = item.distance_m === null ? "" : `${Math.round(item.distance_m)} m`;
    switch (name) {
      case "cameras": {
        const sees = item.sees === true ? "sees the spot" : item.sees === false ? "faces away" : "direction unknown";
        return { title: item.name, facts: [metres, sees, item.tier, item.offline ? "OFFLINE" : item.health] };
      }
      case "shots":
        return { title: `${item.detection_type}${item.rounds ? ` · ${item.rounds} rounds` : ""}`, facts: [metres, item.review_status, item.address] };
      case "lpr_reads":
        return { title: `${item.plate} ${item.state}`, facts: [metres, item.direction, item.reader_name, item.vehicle] };
      case "gps_subjects":
        return { title: `${item.reference} (${item.supervision_type})`, facts: [metres, `closest ${Math.round(item.closest_m)} m`, `${item.pings} pings`] };
      default:
        return { title: `#${item.cad_number} ${item.call_type}`, facts: [metres, item.address] };
    }
  }

  row(name, item) {
    const row = document.createElement("li");
    const { title, facts } = this.describe(name, item);
    const when = name === "prior_incidents" ? formatOffset(item.offset_s, "d") : formatOffset(item.offset_s);
    row.className = `corr-item${name === "cameras" && item.sees !== true ? " corr-dim" : ""}`;
    row.dataset.kind = name;
    row.dataset.id = item.id;
    row.tabIndex = 0;
    row.innerHTML = `
      <div class="corr-line"><span class="corr-title">${escapeText(title)}</span><span class="corr-offset">${escapeText(when)}</span></div>
      <div class="dock-facts">${facts.filter(Boolean).map((f) => `<span>${escapeText(f)}</span>`).join("")}</div>
      <div class="corr-actions"><button type="button" class="link corr-open-item">Open</button>
        <button type="button" class="corr-add"${this.casePicker ? "" : ` disabled title="${ADD_TO_CASE_TIP}"`}>Add to case</button></div>`;
    const marker = this.marker(name, item, title, [when, ...facts]);
    const focus = () => this.focus(name, item, marker);
    row.addEventListener("click", (event) => event.target.closest("button") || focus());
    row.addEventListener("keydown", (event) => event.key === "Enter" && event.target === row && focus());
    row.querySelector(".corr-open-item").addEventListener("click", () => this.openItem(name, item, marker));
    row.querySelector(".corr-add").addEventListener("click", (event) => this.casePicker?.add(name, item.id, event.currentTarget));
    return row;
  }

  marker(name, item, title, facts) {
    if (item.lat === null || item.lon === null) return null;
    const marker = L.circleMarker([item.lat, item.lon], {
      radius: name === "prior_incidents" ? 5 : 7,
      color: "#0b1220",
      weight: 1.5,
      fillColor: COLOURS[name],
      fillOpacity: name === "cameras" && item.sees !== true ? 0.4 : 0.95,
      className: `corr-marker corr-${name}-${Number(item.id)}`,
    }).bindPopup(
      () => `<div class="popup"><div class="popup-title">${escapeText(title)}</div><p>${facts.filter(Boolean).map(escapeText).join(" · ")}</p></div>`,
    );
    marker.addTo(this.layer);
    this.markers.set(`${name}:${item.id}`, marker);
    return marker;
  }

  focus(name, item, marker) {
    if (!marker) return;
    if (name === "cameras" && this.cameras) {
      this.cameras.focus(item, [this.result.anchor.lat, this.result.anchor.lon]);
      return;
    }
    this.map.flyTo(marker.getLatLng(), Math.max(this.map.getZoom(), 17), { duration: 0.5 });
    marker.openPopup();
  }

  openItem(name, item, marker) {
    if (name === "prior_incidents") {
      this.focusIncident(item.id); // open incidents have their own marker and popup
      if (!this.incident(item.id)) this.focus(name, item, marker);
    } else if (name === "lpr_reads") {
      this.openReadSearch(item);
    } else if (name === "gps_subjects") {
      this.openTrackTool(item);
    } else {
      this.focus(name, item, marker);
    }
  }

  // The LPR search page searches on POST: a small form, in a new tab, with the same purpose and case.
  openReadSearch(item) {
    if (!this.config.lprSearchPageUrl) return;
    const day = 24 * 3600 * 1000;
    const at = Date.parse(item.read_at);
    const fields = {
      csrfmiddlewaretoken: csrfToken(),
      purpose: this.result.purpose,
      case_number: this.result.case_number,
      plate: item.plate,
      state: item.state,
      since: new Date(at - 15 * day).toISOString(),
      until: new Date(at + 15 * day).toISOString(),
    };
    const form = document.createElement("form");
    form.method = "post";
    form.action = this.config.lprSearchPageUrl;
    form.target = "_blank";
    form.hidden = true;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value ?? "";
      form.append(input);
    }
    document.body.append(form);
    form.submit();
    form.remove();
  }

  // The track tool asks its own purpose (monitoring purposes); prefill subject and case.
  openTrackTool(item) {
    const tool = document.getElementById("track-tool");
    const select = document.getElementById("track-subject");
    if (!tool || tool.hidden || !select) return;
    select.value = String(item.id);
    document.getElementById("track-case").value = this.result.case_number;
    document.getElementById("track-purpose").focus();
  }
}
