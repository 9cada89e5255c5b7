// Monitoring tracks on the ops map: only for roles allowed; every request carries a purpose and a
// case number, which the server writes to the audit trail before it answers.
import { escapeText } from "/static/js/live.js";

export async function setUpTrackTool({ map, config, fetchJson }) {
  if (!config.subjectsUrl) return; // this role may not see tracks
  const form = document.getElementById("track-tool");
  const select = document.getElementById("track-subject");
  const message = document.getElementById("track-message");
  let layer = null;
  const subjects = await fetchJson(config.subjectsUrl);
  if (!subjects.length) return;
  select.innerHTML = subjects
    .map((s) => `<option value="${s.id}">${escapeText(s.reference)} (${escapeText(s.supervision_type)})</option>`)
    .join("");
  form.hidden = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const params = new URLSearchParams({
      purpose: document.getElementById("track-purpose").value,
      case_number: document.getElementById("track-case").value,
      hours: document.getElementById("track-hours").value,
    });
    const url = `${config.trackUrlTemplate.replace("{id}", select.value)}?${params}`;
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) {
      message.textContent = body.error || `Refused (${response.status})`;
      return;
    }
    layer?.remove();
    const line = body.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    if (!line.length) {
      message.textContent = "No positions in that period.";
      return;
    }
    layer = L.polyline(line, { color: "#c084fc", weight: 3, className: `track-line track-${body.id}` }).addTo(map);
    map.fitBounds(layer.getBounds(), { paddingTopLeft: [40, 40], paddingBottomRight: [280, 40], maxZoom: 16 });
    message.textContent = `${line.length} positions, ${new Date(body.properties.from).toLocaleTimeString()} to ${new Date(body.properties.to).toLocaleTimeString()}`;
  });
  document.getElementById("track-clear").addEventListener("click", () => {
    layer?.remove();
    layer = null;
    message.textContent = "";
  });
}
