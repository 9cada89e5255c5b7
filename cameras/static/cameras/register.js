// Public camera registration: a click on the map places the camera, the pin drags, and heading,
// field of view and range redraw the view cone live. The latitude/longitude boxes are the real form
// fields, so the form also works without the map (or without JavaScript).
import { readConfig } from "/static/js/live.js";
import { CameraPlacer, compassWord, createBaseMap, insideServiceArea } from "./cone.js";

const config = readConfig("register-config");
const field = (name) => document.getElementById(`id_${name}`);
const latInput = field("latitude");
const lonInput = field("longitude");
const headingInput = field("heading");
const fovInput = field("fov");
const rangeInput = field("range_m");
const headingSlider = document.getElementById("heading-slider");
const fovSlider = document.getElementById("fov-slider");
const headingWord = document.getElementById("heading-word");
const hint = document.getElementById("map-hint");
const notice = document.getElementById("placement-notice");
const PLACE_ZOOM = 18;

const mapElement = document.getElementById("reg-map");
const map = createBaseMap(mapElement, config);
const placer = new CameraPlacer(map, { onMove: (lat, lon) => writePosition(lat, lon) });

function number(input) {
  const value = input.value.trim() === "" ? NaN : Number(input.value);
  return Number.isFinite(value) ? value : NaN;
}

function writePosition(lat, lon) {
  latInput.value = lat.toFixed(6);
  lonInput.value = lon.toFixed(6);
  afterPlacement(lat, lon);
}

function afterPlacement(lat, lon) {
  hint.hidden = true;
  notice.textContent = insideServiceArea(config, lat, lon)
    ? ""
    : "This spot is outside the area the crime center covers. Please check the coordinates.";
}

function readPosition({ pan }) {
  const lat = number(latInput);
  const lon = number(lonInput);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return;
  placer.place(lat, lon);
  afterPlacement(lat, lon);
  if (pan) map.setView([lat, lon], Math.max(map.getZoom(), PLACE_ZOOM));
}

function readView() {
  const heading = number(headingInput);
  headingWord.textContent = Number.isFinite(heading) ? `towards the ${compassWord(heading)}` : "";
  placer.setView({ heading, fov: number(fovInput), rangeM: number(rangeInput) });
}

// Slider and number box show the same value; the number box is the one submitted.
function linkSlider(slider, input) {
  slider.hidden = false;
  slider.addEventListener("input", () => {
    input.value = slider.value;
    readView();
  });
  input.addEventListener("input", () => {
    if (Number.isFinite(number(input))) slider.value = String(number(input));
    readView();
  });
}

map.on("click", (event) => {
  const { lat, lng } = event.latlng;
  placer.place(lat, lng);
  writePosition(lat, lng);
  // From the city-wide view a click is only roughly right: zoom in so the pin can be dragged precisely.
  if (map.getZoom() < PLACE_ZOOM - 2) map.setView(event.latlng, PLACE_ZOOM);
});
for (const input of [latInput, lonInput]) input.addEventListener("change", () => readPosition({ pan: true }));
rangeInput.addEventListener("input", readView);
linkSlider(headingSlider, headingInput);
linkSlider(fovSlider, fovInput);

const locate = document.getElementById("use-location");
if ("geolocation" in navigator) {
  locate.hidden = false;
  locate.addEventListener("click", () => {
    notice.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        placer.place(latitude, longitude);
        writePosition(latitude, longitude);
        map.setView([latitude, longitude], PLACE_ZOOM);
      },
      () => {
        notice.textContent = "Your browser did not give a location. Click the map or type the coordinates instead.";
      },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

readView();
// A form sent back with errors keeps its position: show it again.
if (Number.isFinite(number(latInput)) && Number.isFinite(number(lonInput))) readPosition({ pan: true });
