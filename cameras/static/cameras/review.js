// Review queue: one map follows the selected registration; the admin drags the pin and turns the
// camera, then approves or rejects through the REST actions. Errors from the API are shown inline.
import { escapeText, readConfig } from "/static/js/live.js";
import { CameraPlacer, compassWord, createBaseMap } from "./cone.js";

const config = readConfig("review-config");
const cameras = new Map(config.cameras.map((camera) => [camera.id, camera]));
const list = document.getElementById("review-list");
const panel = document.getElementById("review-panel");
const coords = document.getElementById("review-coords");
const headingInput = document.getElementById("review-heading");
const headingSlider = document.getElementById("review-heading-slider");
const reason = document.getElementById("review-reason");
const errorBox = document.getElementById("review-error");
const statusBox = document.getElementById("review-status");
const approveButton = document.getElementById("review-approve");
const REVIEW_ZOOM = 18;

let selected = null; // { camera, lat, lon, heading }
const map = createBaseMap(document.getElementById("review-map"), config);
const submitted = L.circleMarker([0, 0], {
  radius: 7,
  color: "#93a4c3",
  weight: 2,
  dashArray: "3 3",
  fill: false,
  interactive: false,
  className: "submitted-position",
});
const placer = new CameraPlacer(map, {
  onMove: (lat, lon) => {
    Object.assign(selected, { lat, lon });
    showPosition();
  },
});

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function showPosition() {
  const { camera, lat, lon } = selected;
  const moved = L.latLng(camera.lat, camera.lon).distanceTo([lat, lon]);
  coords.textContent = `${lat.toFixed(6)}, ${lon.toFixed(6)}${moved >= 0.5 ? ` (moved ${moved.toFixed(0)} m)` : ""}`;
  // A ghost of the owner's position stays visible while the pin is away from it.
  if (moved >= 0.5) submitted.setLatLng([camera.lat, camera.lon]).addTo(map);
  else submitted.remove();
}

function setHeading(value, { fromSlider = false } = {}) {
  selected.heading = value;
  if (!fromSlider) headingSlider.value = String(value);
  if (document.activeElement !== headingInput) headingInput.value = String(value);
  headingInput.title = `towards the ${compassWord(value)}`;
  placer.setView({ heading: value });
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

function select(item) {
  const camera = cameras.get(Number(item.dataset.cameraId));
  for (const other of list.querySelectorAll(".review-item")) {
    const open = other === item;
    other.classList.toggle("selected", open);
    other.querySelector(".review-summary").setAttribute("aria-expanded", String(open));
    other.querySelector(".review-body").hidden = !open;
  }
  item.querySelector(".review-slot").append(panel);
  panel.hidden = false;
  selected = { camera, lat: camera.lat, lon: camera.lon, heading: camera.heading ?? 0 };
  reason.value = "";
  showError("");
  map.invalidateSize();
  placer.setView({ heading: selected.heading, fov: camera.fov, rangeM: camera.range_m });
  placer.place(camera.lat, camera.lon);
  setHeading(selected.heading);
  showPosition();
  map.setView([camera.lat, camera.lon], REVIEW_ZOOM);
}

async function post(urlTemplate, body) {
  const response = await fetch(urlTemplate.replace("{id}", selected.camera.id), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The server answered ${response.status}.`);
  return data;
}

function finish(message) {
  const item = document.getElementById(`review-${selected.camera.id}`);
  cameras.delete(selected.camera.id);
  document.querySelector(".review").append(panel);
  panel.hidden = true;
  item.remove();
  selected = null;
  statusBox.innerHTML = message;
  statusBox.hidden = false;
  const pendingCount = document.getElementById("pending-count");
  pendingCount.textContent = String(Math.max(0, Number(pendingCount.textContent) - 1));
  const next = list.querySelector(".review-item");
  if (next) select(next);
  else document.getElementById("review-empty").hidden = false;
}

async function act(button, work) {
  button.disabled = true;
  showError("");
  try {
    await work();
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
}

list.addEventListener("click", (event) => {
  const summary = event.target.closest(".review-summary");
  if (summary) select(summary.closest(".review-item"));
});
headingSlider.addEventListener("input", () => setHeading(Number(headingSlider.value), { fromSlider: true }));
headingInput.addEventListener("input", () => {
  const value = Number(headingInput.value);
  if (headingInput.value !== "" && value >= 0 && value < 360) setHeading(value);
});
document.getElementById("review-reset").addEventListener("click", () => {
  const { camera } = selected;
  Object.assign(selected, { lat: camera.lat, lon: camera.lon });
  placer.place(camera.lat, camera.lon);
  setHeading(camera.heading ?? 0);
  headingInput.value = String(selected.heading);
  showPosition();
  map.panTo([camera.lat, camera.lon]);
});
approveButton.addEventListener("click", () =>
  act(approveButton, async () => {
    const camera = await post(config.approveUrl, { lat: selected.lat, lon: selected.lon, heading: selected.heading });
    finish(`Approved <b>${escapeText(camera.reference)}</b> (${escapeText(camera.name)}): it is now on the
      <a href="${escapeText(config.opsMapUrl)}">ops map</a>.`);
  }),
);
document.getElementById("review-reject").addEventListener("submit", (event) => {
  event.preventDefault();
  const button = event.target.querySelector("button");
  act(button, async () => {
    const camera = await post(config.rejectUrl, { reason: reason.value });
    finish(`Rejected <b>${escapeText(camera.reference)}</b> (${escapeText(camera.name)}): ${escapeText(camera.rejection_reason)}`);
  });
});

const first = list.querySelector(".review-item");
if (first) select(first);
