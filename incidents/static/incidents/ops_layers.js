// The ops map's one layer control, grouped (Incidents, Sensors, Monitoring, Areas), and the overlays
// that are only drawn from the server: CAP areas, monitoring zones, GPS subjects, beats, districts.
import { escapeText } from "/static/js/live.js";

const GROUP_ORDER = ["Incidents", "Sensors", "Monitoring", "Areas"];
// Overlays added by other modules (cameras, LPR) under their plain names.
const GROUP_BY_NAME = { Cameras: "Sensors", "LPR hits": "Sensors", "LPR readers": "Sensors", Shots: "Sensors" };
const GPS_REFRESH_MS = 60000;

function groupOf(layer, name) {
  return layer.rtccGroup || GROUP_BY_NAME[name] || "Sensors";
}

// L.Control.Layers with a heading before each group; the order inside a group is insertion order.
const GroupedLayers = L.Control.Layers.extend({
  _update() {
    this._lastGroup = null;
    return L.Control.Layers.prototype._update.call(this);
  },
  _addItem(obj) {
    const group = groupOf(obj.layer, obj.name);
    if (obj.overlay && group !== this._lastGroup) {
      const heading = L.DomUtil.create("div", "layer-group-title", this._overlaysList);
      heading.textContent = group;
      this._lastGroup = group;
    }
    const label = L.Control.Layers.prototype._addItem.call(this, obj);
    label.classList.add("layer-item");
    return label;
  },
});

export function createLayerControl(map) {
  let counter = 0;
  const order = new WeakMap();
  const control = new GroupedLayers(null, null, {
    position: "topleft",
    collapsed: false,
    sortLayers: true,
    sortFunction: (a, b, nameA, nameB) => {
      const rank = GROUP_ORDER.indexOf(groupOf(a, nameA)) - GROUP_ORDER.indexOf(groupOf(b, nameB));
      return rank || order.get(a) - order.get(b);
    },
  });
  const addOverlay = control.addOverlay.bind(control);
  control.addOverlay = (layer, name) => {
    if (!order.has(layer)) order.set(layer, (counter += 1));
    return addOverlay(layer, name);
  };
  // addGrouped(layer, label, group): the label may carry a swatch (trusted HTML made here only).
  control.addGrouped = (layer, name, group) => {
    layer.rtccGroup = group;
    return control.addOverlay(layer, name);
  };
  control.addTo(map);
  const container = control.getContainer();
  container.classList.add("rtcc-layers");
  addFoldButton(container);
  return control;
}

// The layer list is long: a "Layers" header folds it away (remembered per browser) so the map
// keeps its width during a shift.
function addFoldButton(container) {
  const key = "rtcc.layers.folded";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "layers-fold";
  button.textContent = "Layers";
  const apply = (folded) => {
    container.classList.toggle("folded", folded);
    button.setAttribute("aria-expanded", String(!folded));
  };
  apply(window.localStorage.getItem(key) === "1");
  button.addEventListener("click", () => {
    const folded = !container.classList.contains("folded");
    window.localStorage.setItem(key, folded ? "1" : "0");
    apply(folded);
  });
  container.prepend(button);
}

function sameOrigin(url) {
  const parsed = new URL(url, window.location.href);
  return `${parsed.pathname}${parsed.search}`;
}

export async function fetchAllFeatures(fetchJson, url) {
  const features = [];
  let next = url;
  while (next) {
    const page = await fetchJson(next);
    features.push(...page.features);
    next = page.next ? sameOrigin(page.next) : null;
  }
  return features;
}

// Server-drawn overlays. Areas and zones load on first display; GPS positions only after the analyst
// gives a purpose and a case number (the server audits every request), refreshed while shown.
export class AreaOverlays {
  constructor({ map, config, fetchJson, layerControl }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    map.createPane("areas").style.zIndex = 260; // above the grid, under every marker
    this.cap = L.layerGroup().addTo(map);
    // Beat and district labels only from street level: 277 beat numbers city-wide are noise.
    const labels = () => map.getContainer().classList.toggle("hide-area-labels", map.getZoom() < 13);
    map.on("zoomend", labels);
    labels();
    layerControl.addGrouped(this.cap, "CAP alert areas", "Areas");
    if (config.beatsLayerUrl) this.outlineLayer(layerControl, "Beats", config.beatsLayerUrl, "beat");
    if (config.districtsLayerUrl) this.outlineLayer(layerControl, "Districts", config.districtsLayerUrl, "district");
    if (config.zonesLayerUrl) this.zonesLayer(layerControl);
    if (config.subjectPositionsUrl) this.gpsLayer(layerControl);
  }

  lazy(group, load) {
    let loaded = false;
    group.on("add", async () => {
      if (loaded) return;
      loaded = true;
      try {
        await load();
      } catch (error) {
        loaded = false;
        console.warn(error);
      }
    });
  }

  outlineLayer(layerControl, name, url, kind) {
    const group = L.layerGroup();
    layerControl.addGrouped(group, name, "Areas");
    this.lazy(group, async () => {
      const features = await fetchAllFeatures(this.fetchJson, url);
      const layer = L.geoJSON(
        { type: "FeatureCollection", features },
        {
          pane: "areas",
          interactive: false,
          style: { color: kind === "district" ? "#a5b4fc" : "#64748b", weight: kind === "district" ? 2.5 : 1, fill: false, className: `area-${kind}` },
          onEachFeature: (feature, shape) => {
            const p = feature.properties || {};
            const label = p.name || p.number || p.beat || p.district || feature.id;
            if (label !== undefined && label !== null) {
              shape.bindTooltip(escapeText(String(label)), { permanent: true, direction: "center", className: `area-label area-label-${kind}` });
            }
          },
        },
      );
      group.addLayer(layer);
    });
  }

  zonesLayer(layerControl) {
    const group = L.layerGroup();
    layerControl.addGrouped(group, "Monitoring zones", "Monitoring");
    this.lazy(group, async () => {
      const features = await fetchAllFeatures(this.fetchJson, `${this.config.zonesLayerUrl}?page_size=2000`);
      L.geoJSON(
        { type: "FeatureCollection", features },
        {
          pane: "areas",
          style: (f) => ({
            color: f.properties.kind === "exclusion" ? "#f472b6" : "#34d399",
            weight: 2,
            dashArray: "6 4",
            fillOpacity: 0.06,
            className: `zone-area zone-${Number(f.id)}`,
          }),
          onEachFeature: (f, shape) =>
            shape.bindPopup(`<div class="popup"><div class="popup-title">Zone: ${escapeText(f.properties.name)}</div>
              <dl><dt>Kind</dt><dd>${escapeText(f.properties.kind)}</dd>
              ${f.properties.schedule_start ? `<dt>Hours</dt><dd>${escapeText(f.properties.schedule_start)}–${escapeText(f.properties.schedule_end || "")}</dd>` : ""}</dl></div>`),
        },
      ).addTo(group);
    });
  }

  gpsLayer(layerControl) {
    const group = L.layerGroup();
    this.gps = group;
    layerControl.addGrouped(group, "GPS subjects (audited)", "Monitoring");
    const form = document.createElement("form");
    form.id = "gps-purpose";
    form.className = "gps-purpose";
    form.hidden = true;
    form.innerHTML = `<b>GPS subjects</b> <span class="muted">(audited)</span>
      <label>Purpose <select id="gps-purpose-code" required>
        <option value="active_incident">Active incident</option><option value="investigation">Criminal investigation</option>
        <option value="victim_safety">Victim safety</option><option value="supervision">Supervision check</option></select></label>
      <label>Case / incident no. <input id="gps-case" required maxlength="64"></label>
      <label>Positions of the last <select id="gps-minutes"><option value="15">15 min</option>
        <option value="30" selected>30 min</option><option value="120">2 h</option></select></label>
      <div class="track-actions"><button type="submit" class="primary">Show positions</button>
        <button type="button" id="gps-cancel" class="link">Cancel</button></div>`;
    document.querySelector(".map-wrap").appendChild(form);
    const message = document.createElement("div");
    message.id = "gps-message";
    message.className = "gps-message muted";
    message.setAttribute("role", "status");
    document.querySelector(".map-wrap").appendChild(message);
    let query = null;
    let timer = null;
    const refresh = async () => {
      if (!query || !this.map.hasLayer(group)) return;
      const b = this.map.getBounds();
      const params = new URLSearchParams({ ...query, bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(5)).join(",") });
      const response = await fetch(`${this.config.subjectPositionsUrl}?${params}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) {
        message.textContent = body.error || `Refused (${response.status})`;
        return;
      }
      group.clearLayers();
      for (const f of body.features) {
        const [lon, lat] = f.geometry.coordinates;
        L.circleMarker([lat, lon], { radius: 7, color: "#c084fc", weight: 2, fillColor: "#581c87", fillOpacity: 0.9, className: `gps-subject gps-subject-${Number(f.id)}` })
          .bindPopup(`<div class="popup"><div class="popup-title">Monitored: ${escapeText(f.properties.reference)}</div>
            <dl><dt>Program</dt><dd>${escapeText(f.properties.supervision_type)}</dd>
            <dt>Position at</dt><dd>${escapeText(new Date(f.properties.recorded_at).toLocaleTimeString())}</dd></dl></div>`)
          .addTo(group);
      }
      message.textContent = `${body.features.length} subject(s) in view, last ${query.minutes} min (audited)`;
    };
    group.on("add", () => {
      if (query) {
        refresh();
      } else {
        form.hidden = false;
        document.getElementById("gps-case").focus();
      }
      timer = setInterval(refresh, GPS_REFRESH_MS);
    });
    group.on("remove", () => {
      clearInterval(timer);
      group.clearLayers();
      form.hidden = true;
      message.textContent = "";
      query = null; // a new display needs a new purpose
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      query = {
        purpose: document.getElementById("gps-purpose-code").value,
        case_number: document.getElementById("gps-case").value,
        minutes: document.getElementById("gps-minutes").value,
      };
      form.hidden = true;
      refresh();
    });
    document.getElementById("gps-cancel").addEventListener("click", () => this.map.removeLayer(group));
  }

  upsertCap(cap, layers) {
    // layers: CAP alert id -> GeoJSON layer, owned by the caller (ops_map.js).
    layers.get(cap.id)?.remove();
    layers.delete(cap.id);
    if (cap.state !== "active" || !cap.area) return;
    const layer = L.geoJSON(cap.area, {
      style: { color: "#ffb020", weight: 2, fillOpacity: 0.08, className: `cap-area cap-${cap.id}` },
    }).bindPopup(() => `<div class="popup"><div class="popup-title">${escapeText(cap.event)}</div>
        <dl><dt>Severity</dt><dd>${escapeText(cap.severity)}</dd><dt>From</dt><dd>${escapeText(cap.sender)}</dd></dl>
        <p>${escapeText(cap.headline)}</p></div>`);
    layer.addTo(this.cap);
    if (this.map.hasLayer(this.cap)) layer.bringToBack();
    layers.set(cap.id, layer);
  }
}

// LPR hits older than `hours` leave the map and memory (a 12-hour shift must not pile them up).
export function pruneLprHits(lpr, hours = 24) {
  if (!lpr) return;
  const limit = Date.now() - hours * 3600e3;
  for (const [id, marker] of lpr.hits) {
    if (Date.parse(marker.hit.read_at) < limit) {
      marker.remove();
      lpr.hits.delete(id);
    }
  }
}
