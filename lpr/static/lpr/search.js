// Plate search: draw the area on the map (a radius around a clicked point, or a polygon clicked
// corner by corner) and show the reads found. The area lives in the real form fields (lat, lon,
// radius_m, polygon), so the form also works without the map; every rule is checked by the server.
import { readConfig } from "/static/js/live.js";
import { createBaseMap } from "/static/cameras/cone.js";

const config = readConfig("search-config");
const field = (name) => document.getElementById(`id_${name}`);
const latInput = field("lat");
const lonInput = field("lon");
const radiusInput = field("radius_m");
const polygonInput = field("polygon");
const radiusBox = document.getElementById("area-radius");
const polygonBox = document.getElementById("area-polygon");
const polygonStatus = document.getElementById("polygon-status");
const undoButton = document.getElementById("area-undo");
const clearButton = document.getElementById("area-clear");
const areaHelp = document.getElementById("area-help");
const modeInputs = [...document.querySelectorAll("input[name=area]")];
const DEFAULT_RADIUS_M = 300;
const AREA_STYLE = { color: "#ffb020", weight: 2, fillColor: "#ffb020", fillOpacity: 0.12, interactive: false };

const map = createBaseMap(document.getElementById("search-map"), config);
const circle = L.circle(config.center, { ...AREA_STYLE, radius: DEFAULT_RADIUS_M, className: "search-circle" });
const polygon = L.polygon([], { ...AREA_STYLE, className: "search-polygon" });
const corners = L.layerGroup().addTo(map);
const readsLayer = L.featureGroup().addTo(map);
const markersById = new Map();
let vertices = [];

function mode() {
  return modeInputs.find((input) => input.checked)?.value ?? "";
}

function number(input) {
  const value = input.value.trim() === "" ? NaN : Number(input.value);
  return Number.isFinite(value) ? value : NaN;
}

function showMode() {
  const current = mode();
  // While placing a centre or corners, a quick second click is another point, not a zoom.
  if (current) map.doubleClickZoom.disable();
  else map.doubleClickZoom.enable();
  radiusBox.hidden = current !== "radius";
  polygonBox.hidden = current !== "polygon";
  undoButton.hidden = current !== "polygon" || vertices.length === 0;
  clearButton.hidden = current === "";
  areaHelp.textContent = {
    "": "Anywhere: pick “Radius” or “Polygon” to search an area drawn on the map.",
    radius: "Click the map to put the centre; set the radius in metres.",
    polygon: "Click the map at each corner of the area (at least three).",
  }[current];
  drawArea();
}

function drawArea() {
  const current = mode();
  const lat = number(latInput);
  const lon = number(lonInput);
  const radius = number(radiusInput);
  if (current === "radius" && Number.isFinite(lat) && Number.isFinite(lon)) {
    circle.setLatLng([lat, lon]).setRadius(Number.isFinite(radius) && radius > 0 ? radius : DEFAULT_RADIUS_M);
    circle.addTo(map);
  } else {
    circle.remove();
  }
  corners.clearLayers();
  if (current === "polygon" && vertices.length) {
    polygon.setLatLngs(vertices).addTo(map);
    for (const vertex of vertices) {
      L.marker(vertex, {
        icon: L.divIcon({ className: "polygon-corner", iconSize: [10, 10] }),
        interactive: false,
        keyboard: false,
      }).addTo(corners);
    }
  } else {
    polygon.remove();
  }
  undoButton.hidden = current !== "polygon" || vertices.length === 0;
}

function writePolygon() {
  if (vertices.length >= 3) {
    const ring = [...vertices, vertices[0]].map(([lat, lon]) => [Number(lon.toFixed(6)), Number(lat.toFixed(6))]);
    polygonInput.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    polygonStatus.textContent = `${vertices.length} corners.`;
  } else {
    polygonInput.value = "";
    polygonStatus.textContent = vertices.length ? `${vertices.length} of at least 3 corners.` : "";
  }
}

// A polygon sent back by the server (GeoJSON) is drawn again; WKT typed by hand is left as text.
function readPolygon() {
  try {
    const geometry = JSON.parse(polygonInput.value);
    const ring = geometry.type === "Polygon" ? geometry.coordinates[0] : [];
    vertices = ring.slice(0, -1).map(([lon, lat]) => [lat, lon]);
  } catch {
    vertices = [];
  }
}

map.on("click", (event) => {
  const { lat, lng } = event.latlng;
  if (mode() === "") {
    document.querySelector("input[name=area][value=radius]").checked = true;
  }
  if (mode() === "radius") {
    latInput.value = lat.toFixed(6);
    lonInput.value = lng.toFixed(6);
    if (!Number.isFinite(number(radiusInput))) radiusInput.value = String(DEFAULT_RADIUS_M);
  } else {
    vertices.push([lat, lng]);
    writePolygon();
  }
  showMode();
});

for (const input of modeInputs) input.addEventListener("change", showMode);
for (const input of [latInput, lonInput, radiusInput]) input.addEventListener("input", drawArea);
polygonInput.addEventListener("change", () => {
  readPolygon();
  drawArea();
});
undoButton.addEventListener("click", () => {
  vertices.pop();
  writePolygon();
  drawArea();
});
clearButton.addEventListener("click", () => {
  vertices = [];
  polygonInput.value = "";
  latInput.value = "";
  lonInput.value = "";
  polygonStatus.textContent = "";
  document.querySelector("input[name=area][value='']").checked = true;
  showMode();
});

function selectRow(id) {
  for (const row of document.querySelectorAll("#reads-table tr.selected")) row.classList.remove("selected");
  const row = document.querySelector(`#reads-table tr[data-read-id="${id}"]`);
  row?.classList.add("selected");
  row?.scrollIntoView({ block: "nearest" });
}

function showReads() {
  for (const read of config.markers) {
    const marker = L.circleMarker([read.lat, read.lon], {
      radius: 7,
      color: "#ffffff",
      weight: 1.5,
      fillColor: "#4dabf7",
      fillOpacity: 0.9,
      className: "read-marker",
    });
    marker.bindTooltip(`${read.plate} ${read.state} · ${read.at}${read.reader ? ` · ${read.reader}` : ""}`);
    marker.on("click", () => selectRow(read.id));
    marker.addTo(readsLayer);
    markersById.set(String(read.id), marker);
  }
  for (const row of document.querySelectorAll("#reads-table tr.locatable")) {
    const focus = () => {
      const marker = markersById.get(row.dataset.readId);
      if (!marker) return;
      selectRow(row.dataset.readId);
      map.panTo(marker.getLatLng());
      marker.openTooltip();
    };
    row.addEventListener("click", focus);
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") focus();
    });
  }
}

function fitView() {
  const bounds = L.latLngBounds([]);
  if (readsLayer.getLayers().length) bounds.extend(readsLayer.getBounds());
  if (map.hasLayer(circle)) bounds.extend(circle.getBounds());
  if (map.hasLayer(polygon)) bounds.extend(polygon.getBounds());
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
}

readPolygon();
showMode();
showReads();
fitView();
