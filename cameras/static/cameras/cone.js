// View cones and camera placement on a Leaflet map, shared by the public registration form, the
// admin's review queue and the Django admin. The cone follows cameras/geometry.py: an arc point every
// 5 degrees on a sphere of mean Earth radius, a full circle for 360-degree cameras.

const EARTH_RADIUS_M = 6371008.8;
const ARC_STEP_DEGREES = 5;
const RADIANS = Math.PI / 180;
const COMPASS = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];

export function destination(lat, lon, bearingDeg, distanceM) {
  const angular = distanceM / EARTH_RADIUS_M;
  const bearing = bearingDeg * RADIANS;
  const lat1 = lat * RADIANS;
  const lon1 = lon * RADIANS;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing));
  const lon2 = lon1 + Math.atan2(
    Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1),
    Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2),
  );
  return [lat2 / RADIANS, ((lon2 / RADIANS + 540) % 360) - 180];
}

// The cone as [lat, lon] pairs; null when the direction is unknown (and the camera is not all-round).
export function conePoints(lat, lon, heading, fov, rangeM) {
  if (![lat, lon, fov, rangeM].every(Number.isFinite) || fov <= 0 || rangeM <= 0) return null;
  if (fov >= 360) {
    const steps = 360 / ARC_STEP_DEGREES;
    return Array.from({ length: steps }, (_, i) => destination(lat, lon, i * ARC_STEP_DEGREES, rangeM));
  }
  if (!Number.isFinite(heading)) return null;
  const steps = Math.max(2, Math.ceil(fov / ARC_STEP_DEGREES));
  const start = heading - fov / 2;
  const arc = Array.from({ length: steps + 1 }, (_, i) => destination(lat, lon, start + (fov * i) / steps, rangeM));
  return [[lat, lon], ...arc];
}

export function compassWord(heading) {
  if (!Number.isFinite(heading)) return "";
  return COMPASS[Math.round((((heading % 360) + 360) % 360) / 45) % 8];
}

// A draggable camera pin plus its cone. `onMove(lat, lon)` is called when the pin is dragged.
export class CameraPlacer {
  constructor(map, { onMove = () => {}, className = "" } = {}) {
    this.map = map;
    this.onMove = onMove;
    this.view = { heading: null, fov: 90, rangeM: 30 };
    this.marker = null;
    this.cone = L.polygon([], {
      color: "#4dabf7",
      weight: 2,
      fillColor: "#4dabf7",
      fillOpacity: 0.22,
      interactive: false,
      className: `view-cone ${className}`.trim(),
    });
    this.icon = L.divIcon({ className: `camera-pin ${className}`.trim(), iconSize: [22, 22], iconAnchor: [11, 11] });
  }

  get position() {
    return this.marker ? this.marker.getLatLng() : null;
  }

  place(lat, lon) {
    if (!this.marker) {
      this.marker = L.marker([lat, lon], { draggable: true, icon: this.icon, keyboard: false, title: "Camera position (drag to move)" });
      this.marker.on("drag", () => this.redraw());
      this.marker.on("dragend", () => {
        const { lat: newLat, lng } = this.marker.getLatLng();
        this.onMove(newLat, lng);
      });
      this.marker.addTo(this.map);
      this.cone.addTo(this.map);
    } else {
      this.marker.setLatLng([lat, lon]);
    }
    this.redraw();
  }

  clear() {
    this.marker?.remove();
    this.cone.remove();
    this.marker = null;
  }

  setView({ heading = this.view.heading, fov = this.view.fov, rangeM = this.view.rangeM } = {}) {
    this.view = { heading, fov, rangeM };
    this.redraw();
  }

  redraw() {
    if (!this.marker) return;
    const { lat, lng } = this.marker.getLatLng();
    const points = conePoints(lat, lng, this.view.heading, this.view.fov, this.view.rangeM);
    this.cone.setLatLngs(points || []);
  }
}

// Without map tiles, a labelled grid that adapts to the zoom keeps a sense of scale and direction.
// Longitude labels run along the top edge, latitude labels along the right edge, clear of controls.
const GRID_STEPS = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];
const MIN_LINE_GAP_PX = 90;
const LABEL_MARGIN_PX = 48;

export function addGraticule(map) {
  const layer = L.layerGroup().addTo(map);
  const style = { color: "#2b3a55", weight: 1, interactive: false };
  function draw() {
    layer.clearLayers();
    const bounds = map.getBounds();
    const size = map.getSize();
    if (!size.x || !size.y) return;
    // Longitude lines are the closer ones on a Mercator map: space them at least MIN_LINE_GAP_PX apart.
    const pxPerDegree = size.x / (bounds.getEast() - bounds.getWest());
    const step = [...GRID_STEPS].reverse().find((candidate) => candidate * pxPerDegree >= MIN_LINE_GAP_PX) ?? GRID_STEPS[0];
    const digits = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    for (let lat = Math.ceil(bounds.getSouth() / step) * step; lat <= bounds.getNorth(); lat += step) {
      layer.addLayer(L.polyline([[lat, bounds.getWest() - step], [lat, bounds.getEast() + step]], style));
      const y = map.latLngToContainerPoint([lat, bounds.getEast()]).y;
      if (y > LABEL_MARGIN_PX && y < size.y - LABEL_MARGIN_PX) {
        layer.addLayer(gridLabel([lat, bounds.getEast()], `${lat.toFixed(digits)}°`, "lat"));
      }
    }
    for (let lon = Math.ceil(bounds.getWest() / step) * step; lon <= bounds.getEast(); lon += step) {
      layer.addLayer(L.polyline([[bounds.getSouth() - step, lon], [bounds.getNorth() + step, lon]], style));
      const x = map.latLngToContainerPoint([bounds.getNorth(), lon]).x;
      if (x > LABEL_MARGIN_PX && x < size.x - LABEL_MARGIN_PX * 1.5) {
        layer.addLayer(gridLabel([bounds.getNorth(), lon], `${lon.toFixed(digits)}°`, "lon"));
      }
    }
  }
  map.on("moveend resize", draw);
  map.whenReady(draw);
  return layer;
}

function gridLabel(latlng, text, axis) {
  // Leaflet positions the marker element with a transform; the inner span is shifted instead.
  const icon = L.divIcon({ className: `grid-label grid-label-${axis}`, html: `<span>${text}</span>`, iconSize: null });
  return L.marker(latlng, { icon, interactive: false, keyboard: false });
}

// A fixed "north is up" arrow: without tiles, people otherwise lose their bearings.
export function addNorthArrow(map) {
  const NorthArrow = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd() {
      const element = L.DomUtil.create("div", "north-arrow");
      element.setAttribute("aria-label", "North is up");
      element.innerHTML = "<span>▲</span>N";
      return element;
    },
  });
  return new NorthArrow().addTo(map);
}

// The base map of the camera pages: tiles when a local tile server is configured, else the grid.
export function createBaseMap(element, config, options = {}) {
  // Vector layers can only be added once the map has a view.
  const map = L.map(element, { zoomControl: true, ...options }).setView(config.center, config.zoom);
  map.attributionControl.setPrefix("RTCC Ops");
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    element.classList.add("no-tiles");
    addGraticule(map);
  }
  if (config.serviceArea?.length === 4) {
    const [west, south, east, north] = config.serviceArea;
    L.rectangle([[south, west], [north, east]], {
      color: "#ffb020",
      weight: 1.5,
      dashArray: "6 6",
      fill: false,
      interactive: false,
      className: "service-area",
    }).addTo(map);
  }
  L.control.scale({ metric: true, imperial: true }).addTo(map);
  addNorthArrow(map);
  return map;
}

export function insideServiceArea(config, lat, lon) {
  if (config.serviceArea?.length !== 4) return true;
  const [west, south, east, north] = config.serviceArea;
  return lat >= south && lat <= north && lon >= west && lon <= east;
}
