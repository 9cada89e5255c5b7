// Camera layer of the ops map: clustered markers by tier and health, view cones when zoomed in,
// tier and owner-type filters, kept current by camera.updated / camera.removed events.
import { escapeText } from "/static/js/live.js";

const TIER_LETTERS = { live: "L", footage: "F", register: "R" };
export const TIER_BADGES = { live: "Live", footage: "Footage", register: "Register" };
const HEALTH_LABELS = { online: "online", offline: "offline", unknown: "not checked" };
const STORAGE_KEY = "rtcc.ops.cameras";
const CONE_REFRESH_DELAY_MS = 250;

function compass(degrees) {
  return ["N", "NE", "E", "SE", "S", "SW", "W", "NW"][Math.round(degrees / 45) % 8];
}

// The wedge points north and is turned by an SVG transform attribute (no inline style, strict CSP).
function wedgePath(fov) {
  const radius = 16;
  if (fov >= 359) return `M0 -${radius}A${radius} ${radius} 0 1 1 0 ${radius}A${radius} ${radius} 0 1 1 0 -${radius}Z`;
  const half = (fov / 2) * (Math.PI / 180);
  const x = (radius * Math.sin(half)).toFixed(2);
  const y = (-radius * Math.cos(half)).toFixed(2);
  return `M0 0L-${x} ${y}A${radius} ${radius} 0 ${fov > 180 ? 1 : 0} 1 ${x} ${y}Z`;
}

function stateClasses(camera) {
  return `tier-${camera.tier} health-${camera.health}${camera.mou_expired ? " mou-expired" : ""}`;
}

function cameraIcon(camera) {
  const heading = Number(camera.heading);
  const wedge =
    camera.heading === null || camera.heading === undefined
      ? ""
      : `<svg class="cam-wedge" viewBox="-17 -17 34 34" aria-hidden="true">
           <path d="${wedgePath(Number(camera.fov))}" transform="rotate(${heading})"/></svg>`;
  return L.divIcon({
    html: `${wedge}<span class="cam-body">${TIER_LETTERS[camera.tier] || "?"}</span>`,
    className: `camera-marker camera-${Number(camera.id)} ${stateClasses(camera)}`,
    iconSize: [34, 34],
    iconAnchor: [17, 17],
    popupAnchor: [0, -12],
  });
}

function clusterIcon(cluster) {
  const offline = cluster.getAllChildMarkers().filter((marker) => marker.camera?.health === "offline").length;
  return L.divIcon({
    html: `<span>${cluster.getChildCount()}</span>${offline ? `<i title="${offline} offline"></i>` : ""}`,
    className: `camera-cluster${offline ? " has-offline" : ""}`,
    iconSize: [34, 34],
  });
}

function sameOrigin(url) {
  // Pagination links are absolute; keep the path so a proxy's scheme or host never matters.
  const parsed = new URL(url, window.location.href);
  return `${parsed.pathname}${parsed.search}`;
}

export class CameraLayer {
  constructor({ map, config, fetchJson, layerControl }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.labels = {
      tier: Object.fromEntries(config.cameraTiers.map((t) => [t.value, t.label])),
      owner: Object.fromEntries(config.cameraOwnerTypes.map((o) => [o.value, o.label])),
    };
    this.cameras = new Map(); // id -> { data, marker }
    this.cones = new Map(); // id -> { geometry, layer }
    this.coneRequest = 0;
    const saved = this.restore();
    this.hidden = { tier: new Set(saved.hiddenTier || []), owner: new Set(saved.hiddenOwner || []) };
    // Cones and camera icons sit below the incident markers (overlay pane, 400): incidents come first.
    for (const [name, zIndex] of [["cameraCones", 360], ["cameras", 380], ["cameraHighlight", 650]]) {
      map.createPane(name).style.zIndex = zIndex;
    }
    this.cluster = L.markerClusterGroup({
      clusterPane: "cameras",
      showCoverageOnHover: false,
      maxClusterRadius: (zoom) => (zoom >= config.coneMinZoom ? 14 : 50),
      iconCreateFunction: clusterIcon,
      spiderLegPolylineOptions: { color: "#93a4c3", weight: 1.5, opacity: 0.7 },
    });
    this.coneGroup = L.layerGroup();
    this.highlightGroup = L.layerGroup().addTo(map);
    layerControl.addOverlay(this.cluster, "Cameras");
    this.filters = this.buildFilters(layerControl.getContainer());
    this.cluster.on("add", () => this.visibilityChanged(true));
    this.cluster.on("remove", () => this.visibilityChanged(false));
    map.on("moveend", () => this.scheduleCones());
    if (saved.visible !== false) this.cluster.addTo(map);
    else this.filters.hidden = true;
  }

  restore() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY)) || {};
    } catch (error) {
      return {};
    }
  }

  save() {
    const state = {
      visible: this.map.hasLayer(this.cluster),
      hiddenTier: [...this.hidden.tier],
      hiddenOwner: [...this.hidden.owner],
    };
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      console.warn("camera layer settings not saved", error); // storage full or disabled: not fatal
    }
  }

  buildFilters(container) {
    const details = document.createElement("details");
    details.className = "camera-filters";
    const group = (kind, title, options) => `<fieldset data-kind="${kind}"><legend>${title}</legend>${options
      .map(
        (o) => `<label><input type="checkbox" value="${escapeText(o.value)}"${this.hidden[kind].has(o.value) ? "" : " checked"}>
          ${kind === "tier" ? `<span class="swatch tier-${escapeText(o.value)}" aria-hidden="true">${TIER_LETTERS[o.value] || "?"}</span>` : ""}
          ${escapeText(o.label)}</label>`,
      )
      .join("")}</fieldset>`;
    details.innerHTML = `<summary>Camera filters <span class="filter-count"></span></summary>
      ${group("tier", "Access tier", this.config.cameraTiers)}${group("owner", "Owner", this.config.cameraOwnerTypes)}`;
    details.addEventListener("change", (event) => {
      const kind = event.target.closest("fieldset").dataset.kind;
      if (event.target.checked) this.hidden[kind].delete(event.target.value);
      else this.hidden[kind].add(event.target.value);
      this.applyFilters();
    });
    container.querySelector(".leaflet-control-layers-list").appendChild(details);
    this.countHidden(details);
    return details;
  }

  countHidden(details = this.filters) {
    const off = this.hidden.tier.size + this.hidden.owner.size;
    const count = details.querySelector(".filter-count");
    if (count) count.textContent = off ? `(${off} off)` : "";
  }

  shown(camera) {
    return !this.hidden.tier.has(camera.tier) && !this.hidden.owner.has(camera.owner_type);
  }

  visibilityChanged(visible) {
    this.filters.hidden = !visible;
    this.save();
    this.scheduleCones();
  }

  applyFilters() {
    const keep = [];
    const drop = [];
    for (const entry of this.cameras.values()) (this.shown(entry.data) ? keep : drop).push(entry.marker);
    this.cluster.removeLayers(drop);
    this.cluster.addLayers(keep);
    for (const id of this.cones.keys()) this.drawCone(id);
    this.countHidden();
    this.save();
  }

  async fetchFeatures(url) {
    const features = [];
    let next = url;
    while (next) {
      const page = await this.fetchJson(next);
      features.push(...page.features);
      next = page.next ? sameOrigin(page.next) : null;
    }
    return features;
  }

  async load() {
    try {
      const features = await this.fetchFeatures(`${this.config.camerasLayerUrl}?page_size=5000`);
      const markers = [];
      for (const feature of features) {
        const [lon, lat] = feature.geometry.coordinates;
        const entry = this.store({ ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon });
        if (this.shown(entry.data)) markers.push(entry.marker);
      }
      this.cluster.addLayers(markers);
    } catch (error) {
      console.warn(error);
      this.filters.querySelector("summary").textContent = "Cameras unavailable";
    }
  }

  store(camera) {
    let entry = this.cameras.get(camera.id);
    if (!entry) {
      const marker = L.marker([camera.lat, camera.lon], { pane: "cameras", keyboard: false });
      entry = { data: camera, marker };
      marker.bindPopup(() => this.popupHtml(entry.data));
      this.cameras.set(camera.id, entry);
    }
    entry.data = camera;
    entry.marker.camera = camera;
    const tier = this.labels.tier[camera.tier] || camera.tier;
    entry.marker.options.title = `${camera.name} (${tier}, ${HEALTH_LABELS[camera.health] || camera.health})`;
    entry.marker.setIcon(cameraIcon(camera));
    return entry;
  }

  apply(event) {
    const camera = event.payload;
    const before = this.cameras.get(camera.id)?.data;
    if (event.type === "camera.removed" || camera.lat === null) {
      if (before) this.cluster.removeLayer(this.cameras.get(camera.id).marker);
      this.cameras.delete(camera.id);
      this.cones.get(camera.id)?.layer?.remove();
      this.cones.delete(camera.id);
      return;
    }
    // Updated in place (not removed and re-added) so an open popup on the camera stays open.
    const entry = this.store(camera);
    entry.marker.setLatLng([camera.lat, camera.lon]);
    if (!this.shown(camera)) this.cluster.removeLayer(entry.marker);
    else if (this.cluster.hasLayer(entry.marker)) this.cluster.refreshClusters(entry.marker);
    else this.cluster.addLayer(entry.marker);
    const moved = !before || ["lat", "lon", "heading", "fov", "range_m"].some((key) => before[key] !== camera[key]);
    if (moved) this.scheduleCones();
    else if (this.cones.has(camera.id)) this.drawCone(camera.id);
  }

  conesWanted() {
    return this.map.hasLayer(this.cluster) && this.map.getZoom() >= this.config.coneMinZoom;
  }

  scheduleCones() {
    clearTimeout(this.coneTimer);
    if (!this.conesWanted()) {
      this.coneRequest += 1; // a response still on its way is now stale
      this.clearCones();
      return;
    }
    this.coneTimer = setTimeout(() => this.loadCones(), CONE_REFRESH_DELAY_MS);
  }

  clearCones() {
    this.coneGroup.clearLayers();
    this.coneGroup.remove();
    this.cones.clear();
  }

  async loadCones() {
    const request = ++this.coneRequest;
    // Padded: a camera just outside the view can still look into it.
    const bounds = this.map.getBounds().pad(0.3);
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(5));
    let features;
    try {
      features = await this.fetchFeatures(`${this.config.camerasLayerUrl}?cones=1&page_size=2000&bbox=${bbox.join(",")}`);
    } catch (error) {
      console.warn(error);
      return;
    }
    if (request !== this.coneRequest || !this.conesWanted()) return;
    this.clearCones();
    this.coneGroup.addTo(this.map);
    for (const feature of features) {
      const id = feature.id ?? feature.properties.id;
      this.cones.set(id, { geometry: feature.geometry, layer: null });
      this.drawCone(id);
    }
  }

  drawCone(id) {
    const cone = this.cones.get(id);
    const camera = this.cameras.get(id)?.data;
    cone.layer?.remove();
    cone.layer = null;
    if (!camera || !this.shown(camera)) return;
    const offline = camera.health === "offline";
    // Colours come from the stylesheet (tier and health classes), shapes from the server.
    cone.layer = L.polygon(L.GeoJSON.coordsToLatLngs(cone.geometry.coordinates, 1), {
      pane: "cameraCones",
      interactive: false,
      className: `camera-cone cone-${Number(id)} ${stateClasses(camera)}`,
      weight: 1,
      dashArray: offline || camera.mou_expired ? "4 4" : null,
      fillOpacity: camera.mou_expired ? 0.05 : 0.14,
    });
    this.coneGroup.addLayer(cone.layer);
  }

  popupHtml(c) {
    const looks =
      c.heading === null
        ? "direction unknown"
        : `${compass(c.heading)} (${Math.round(c.heading)}°), ${Math.round(c.fov)}° wide, ${Math.round(c.range_m)} m`;
    return `<div class="popup camera-popup">
      <div class="popup-title"><span class="tier-badge tier-${escapeText(c.tier)}">${escapeText(this.labels.tier[c.tier] || c.tier)}</span>
        ${escapeText(c.name)}</div>
      <dl>
        <dt>Camera</dt><dd>${escapeText(c.reference)}</dd>
        <dt>Owner</dt><dd>${escapeText(this.labels.owner[c.owner_type] || c.owner_type)}</dd>
        <dt>Health</dt><dd class="health-${escapeText(c.health)}">${escapeText(HEALTH_LABELS[c.health] || c.health)}</dd>
        <dt>Looks</dt><dd>${escapeText(looks)}</dd>
      </dl>
      ${c.mou_expired ? '<p class="camera-warning">MOU expired: no live view, no footage requests.</p>' : ""}</div>`;
  }

  // Used by the camera dock: ring the camera and draw its line of sight to the incident.
  highlight(camera, target) {
    this.highlightGroup.clearLayers();
    if (!camera) return;
    const options = { pane: "cameraHighlight", interactive: false };
    L.polyline([[camera.lat, camera.lon], target], { ...options, color: "#ffffff", weight: 2, dashArray: "3 6" }).addTo(
      this.highlightGroup,
    );
    L.circleMarker([camera.lat, camera.lon], {
      ...options,
      radius: 18,
      color: "#ffffff",
      weight: 3,
      fill: false,
      className: `camera-highlight highlight-${Number(camera.id)}`,
    }).addTo(this.highlightGroup);
  }

  focus(camera, target) {
    this.highlight(camera, target);
    const bounds = L.latLngBounds([[camera.lat, camera.lon], target]);
    this.map.flyToBounds(bounds.pad(0.6), { maxZoom: 18, duration: 0.6 });
  }
}
