// Camera auto-dock: when an incident opens, the nearest cameras that can see it, with a one-click
// footage request for the incident's time window.
import { escapeText } from "/static/js/live.js";
import { TIER_BADGES } from "./ops_cameras.js";

const RADIUS_M = 300;
const FIRST_SEEING = 5;
const WINDOW_MINUTES = 15;
const REFRESH_DELAY_MS = 400;
const SEES_LABELS = { true: "sees the spot", false: "faces away", null: "direction unknown" };

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function metresBetween(a, b) {
  // Equirectangular is plenty at a few hundred metres: only used to decide whether to re-ask the server.
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.hypot(x, y) * 6371000;
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// Nearby rows carry owner_name/contact_* (analysts, admins); a created request carries owner_contact.
function contactText({ owner, name, phone, email, after_hours: afterHours }) {
  const parts = [owner, name, phone, email].filter(Boolean);
  if (afterHours) parts.push(`after hours: ${afterHours}`);
  return parts.join(" · ");
}

function cameraContact(camera) {
  return contactText({
    owner: camera.owner_name,
    name: camera.contact_name,
    phone: camera.contact_phone,
    email: camera.contact_email,
    after_hours: camera.contact_after_hours,
  });
}

// API errors read "field: message"; the analyst needs the message.
function readable(error) {
  if (!error) return "";
  const message = error.replace(/^[a-z_]+: /, "");
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export class CameraDock {
  constructor({ config, fetchJson, cameras }) {
    this.config = config;
    this.fetchJson = fetchJson;
    this.cameras = cameras;
    this.element = document.getElementById("camera-dock");
    this.list = document.getElementById("dock-list");
    this.summary = document.getElementById("dock-summary");
    this.toggle = document.getElementById("dock-toggle");
    this.incident = null;
    this.nearby = [];
    this.requested = new Map(); // camera id -> latest footage request for the open incident
    this.results = new Map(); // `${incident id}:${camera id}` -> outcome of a request made here
    this.showAll = false;
    this.loading = 0;
    this.toggle.addEventListener("click", () => {
      this.showAll = !this.showAll;
      this.render();
    });
    document.getElementById("dock-close").addEventListener("click", () => this.hide());
    this.list.addEventListener("mouseleave", () => this.highlightPinned());
  }

  show(incident) {
    if (incident.lat === null || incident.lon === null) return;
    const same = this.incident?.id === incident.id;
    if (same && !this.element.hidden) return; // already docked; camera events keep it current
    this.incident = incident;
    if (!same) {
      this.showAll = false;
      this.pinned = null;
      this.nearby = [];
      this.requested = new Map();
      this.cameras.highlight(null);
      this.summary.textContent = "Looking for cameras…";
      this.list.replaceChildren();
      this.toggle.hidden = true;
    }
    document.getElementById("dock-incident").textContent = `#${incident.external_id}`;
    this.element.hidden = false;
    this.load();
  }

  hide() {
    this.loading += 1; // answers still on their way are for a closed dock
    clearTimeout(this.refreshTimer);
    this.element.hidden = true;
    this.incident = null;
    this.pinned = null;
    this.cameras.highlight(null);
  }

  // A camera changed or appeared: ask again if it is (or now is) within the dock's radius.
  cameraChanged(camera) {
    if (!this.incident) return;
    const listed = this.nearby.some((c) => c.id === camera.id);
    const near = camera.lat !== null && metresBetween(this.incident, camera) <= RADIUS_M;
    if (!listed && !near) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.load(), REFRESH_DELAY_MS);
  }

  async load() {
    const incident = this.incident;
    if (!incident) return;
    const ticket = ++this.loading;
    const params = new URLSearchParams({ lat: incident.lat, lon: incident.lon, radius: RADIUS_M, limit: 50 });
    try {
      const [nearby, requests] = await Promise.all([
        this.fetchJson(`${this.config.camerasNearbyUrl}?${params}`),
        this.config.footageListUrl
          ? this.fetchJson(`${this.config.footageListUrl}?incident=${incident.id}&limit=200`)
          : { results: [] },
      ]);
      if (ticket !== this.loading) return; // another incident was opened meanwhile
      this.nearby = nearby;
      this.requested = new Map();
      for (const request of requests.results) {
        if (!this.requested.has(request.camera)) this.requested.set(request.camera, request); // newest first
      }
    } catch (error) {
      if (ticket !== this.loading) return;
      this.summary.textContent = `Cameras unavailable (${error.message})`;
      return;
    }
    this.render();
  }

  render() {
    const seeing = this.nearby.filter((c) => c.sees_point === true);
    const shown = this.showAll ? this.nearby : seeing.slice(0, FIRST_SEEING);
    const total = this.nearby.length;
    const within = `${total === 1 ? "camera" : "cameras"} within ${RADIUS_M} m`;
    if (!total) this.summary.textContent = `No camera within ${RADIUS_M} m.`;
    else if (!seeing.length) this.summary.textContent = `None of the ${total} ${within} faces the spot.`;
    else this.summary.textContent = `${seeing.length} of ${total} ${within} ${seeing.length === 1 ? "sees" : "see"} the spot.`;
    this.toggle.hidden = total === 0 || (shown.length === total && !this.showAll);
    this.toggle.textContent = this.showAll ? "Show only cameras that see it" : `Show all ${total} nearby`;
    this.list.replaceChildren(...shown.map((camera) => this.row(camera)));
  }

  row(camera) {
    const row = document.createElement("li");
    const sees = camera.sees_point === null ? "unknown" : String(camera.sees_point);
    row.className = `dock-camera tier-${camera.tier} sees-${sees}${camera.offline ? " offline" : ""}${camera.mou_expired ? " mou-expired" : ""}`;
    row.dataset.cameraId = camera.id;
    row.tabIndex = 0;
    const tier = TIER_BADGES[camera.tier] || camera.tier;
    const owner = this.cameras.labels.owner[camera.owner_type] || camera.owner_type;
    const retention = camera.retention_days === null ? "retention unknown" : `kept ${camera.retention_days} d`;
    row.innerHTML = `
      <div class="dock-line">
        <span class="tier-badge tier-${escapeText(camera.tier)}">${escapeText(tier)}</span>
        <span class="dock-name">${escapeText(camera.name)}</span>
        <span class="dock-distance">${Math.round(camera.distance_m)} m</span>
      </div>
      <div class="dock-facts">
        <span class="sees">${escapeText(SEES_LABELS[camera.sees_point])}</span>
        ${camera.offline ? '<span class="flag flag-offline">Offline</span>' : ""}
        ${camera.mou_expired ? '<span class="flag flag-mou">MOU expired</span>' : ""}
        <span>${escapeText(owner)} · ${escapeText(retention)}</span>
      </div>
      <div class="dock-action"></div>
      <div class="dock-result" role="status"></div>`;
    this.renderAction(row, camera);
    row.addEventListener("mouseenter", () => this.cameras.highlight(camera, this.target()));
    row.addEventListener("focus", () => this.cameras.highlight(camera, this.target()));
    const focus = () => {
      this.pinned = camera;
      this.cameras.focus(camera, this.target());
    };
    row.addEventListener("click", (event) => event.target.closest("button") || focus());
    row.addEventListener("keydown", (event) => event.key === "Enter" && event.target === row && focus());
    return row;
  }

  renderAction(row, camera) {
    const action = row.querySelector(".dock-action");
    const contact = cameraContact(camera);
    const earlier = this.requested.get(camera.id);
    const result = this.results.get(`${this.incident.id}:${camera.id}`);
    if (camera.footage_requestable && this.config.footageCreateUrl) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dock-request";
      button.textContent = earlier ? "Request again" : "Request footage";
      button.addEventListener("click", () => this.request(camera, row, button));
      action.append(button);
      if (earlier) {
        const note = document.createElement("span");
        note.className = "muted";
        note.textContent = `Requested ${clock(earlier.requested_at)} by ${earlier.requested_by} (${earlier.status})`;
        action.append(note);
      }
    } else if (camera.tier === "register" || camera.mou_expired) {
      const why = camera.mou_expired ? "MOU expired, no requests." : "Register only.";
      action.textContent = `${why} ${contact ? `Contact owner: ${contact}` : "Contact the owner (details for analysts)."}`;
      action.classList.add("dock-contact");
    }
    if (result) this.showResult(row, result);
  }

  target() {
    return [this.incident.lat, this.incident.lon];
  }

  highlightPinned() {
    if (this.incident) this.cameras.highlight(this.pinned, this.target());
  }

  async request(camera, row, button) {
    const incident = this.incident;
    const received = Date.parse(incident.received_at);
    const minute = 60 * 1000;
    const body = {
      camera: camera.id,
      incident: incident.id,
      window_start: new Date(received - WINDOW_MINUTES * minute).toISOString(),
      window_end: new Date(Math.min(received + WINDOW_MINUTES * minute, Date.now())).toISOString(),
      reason: `Incident ${incident.external_id} ${incident.final_call_type || incident.call_type}`,
    };
    button.disabled = true;
    button.textContent = "Requesting…";
    let result;
    try {
      const response = await fetch(this.config.footageCreateUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body),
      });
      const answer = await response.json().catch(() => ({}));
      result = response.ok
        ? { ok: true, request: answer.request, warnings: answer.warnings || [], contact: answer.owner_contact }
        : { ok: false, message: readable(answer.error) || `Refused (HTTP ${response.status})` };
    } catch (error) {
      result = { ok: false, message: `Not sent: ${error.message}` };
    }
    this.results.set(`${incident.id}:${camera.id}`, result);
    if (result.ok && this.incident?.id === incident.id) this.requested.set(camera.id, result.request);
    button.disabled = false;
    button.textContent = result.ok ? "Request again" : "Request footage";
    this.showResult(row, result);
  }

  showResult(row, result) {
    const box = row.querySelector(".dock-result");
    box.className = `dock-result ${result.ok ? "ok" : "refused"}`;
    if (!result.ok) {
      box.textContent = result.message;
      return;
    }
    const request = result.request;
    const until = request.available_until
      ? `; the owner keeps it until ${new Date(request.available_until).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}`
      : "";
    const lines = [`Footage request #${request.id} sent (${clock(request.window_start)}–${clock(request.window_end)})${until}.`];
    lines.push(...result.warnings.map((warning) => `⚠ ${warning}`));
    if (result.contact) lines.push(`Owner: ${contactText(result.contact)}`);
    box.replaceChildren(
      ...lines.map((line) => {
        const div = document.createElement("div");
        div.textContent = line;
        if (line.startsWith("⚠")) div.className = "warning";
        return div;
      }),
    );
  }
}
