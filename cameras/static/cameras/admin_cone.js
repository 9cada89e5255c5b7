// Django admin camera form: django-leaflet's map widget for `location`, plus click-to-place,
// drag-to-move and a live view cone from the heading, field-of-view and range inputs.
// django-leaflet fires `map:init` on window for each map, then its geometry field announces
// itself with `map:loadfield` on the map.
import { addGraticule, addNorthArrow, conePoints } from "./cone.js";

const PLACE_ZOOM = 18;
const inputs = ["heading", "fov", "range_m"].map((name) => document.getElementById(`id_${name}`));

function value(input) {
  return input && input.value.trim() !== "" ? Number(input.value) : NaN;
}

function wire(map, field) {
  const cone = L.polygon([], {
    color: "#1f7ae0",
    weight: 2,
    fillOpacity: 0.2,
    interactive: false,
    className: "view-cone",
  }).addTo(map);
  let busy = false; // a Leaflet.draw tool is active: its clicks are not placements

  const marker = () => field.drawnItems.getLayers().find((layer) => layer instanceof L.Marker);

  function redraw() {
    const pin = marker();
    if (!pin) {
      cone.setLatLngs([]);
      return;
    }
    const { lat, lng } = pin.getLatLng();
    const [heading, fov, rangeM] = inputs.map(value);
    cone.setLatLngs(conePoints(lat, lng, heading % 360, fov, rangeM) || []);
  }

  function makeDraggable() {
    const pin = marker();
    if (!pin || pin.options.rtccDraggable) return;
    pin.options.rtccDraggable = true;
    pin.on("drag", redraw);
    pin.on("dragend", () => field.store.save(field.drawnItems));
    pin.dragging.enable();
  }

  map.on("click", (event) => {
    if (busy) return;
    field.onCreated({ layer: L.marker(event.latlng) });
    makeDraggable();
    redraw();
    // From the city-wide view a click is only roughly right: zoom in so the pin can be dragged precisely.
    if (map.getZoom() < PLACE_ZOOM - 2) map.setView(event.latlng, PLACE_ZOOM);
  });
  map.on("draw:drawstart draw:editstart draw:deletestart", () => {
    busy = true;
  });
  map.on("draw:drawstop draw:editstop draw:deletestop", () => {
    busy = false;
    // Leaflet.draw's edit mode switches marker dragging off when it ends: switch it back on.
    const pin = marker();
    if (pin) {
      pin.options.rtccDraggable = false;
      pin.off("drag", redraw);
      makeDraggable();
    }
    redraw();
  });
  map.on("draw:created draw:edited draw:deleted", () => setTimeout(() => {
    makeDraggable();
    redraw();
  }));
  for (const input of inputs) input?.addEventListener("input", redraw);

  if (!map.options.djoptions?.layers?.length) {
    map.getContainer().classList.add("no-tiles");
    addGraticule(map);
  }
  addNorthArrow(map);
  makeDraggable();
  redraw();
}

window.addEventListener("map:init", (event) => {
  const { map } = event.detail;
  map.on("map:loadfield", (loaded) => {
    if (loaded.fieldid === "id_location") wire(map, loaded.field);
  });
});
