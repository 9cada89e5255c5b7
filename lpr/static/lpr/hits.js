// Verification queue: unverified hits of the user's hotlists, kept current by lpr.hit.* events.
// High-priority hits sound an alarm made with the Web Audio API once the analyst enabled sound
// (browsers only let a page play audio after a click on it).
import { connectionIndicator, escapeText, LiveStream, readConfig } from "/static/js/live.js";

const config = readConfig("queue-config");
const queue = document.getElementById("queue");
const empty = document.getElementById("queue-empty");
const count = document.getElementById("queue-count");
const soundBox = document.getElementById("sound");
const soundLabel = document.getElementById("sound-label");
const soundToggle = document.getElementById("sound-toggle");
const RESOLVED_LINGER_MS = 5000;
const RINGING_MS = 4000;
const STATUS_LABELS = { unverified: "Unverified", actionable: "Verified: actionable", rejected: "Rejected" };
const KIND_LABELS = { exact: "Exact plate", possible: "Possible (OCR-confusable characters)" };
const pageTitle = document.title;

class Alarm {
  constructor() {
    this.context = null;
    this.enabled = false;
    this.alarms = 0;
  }

  async enable() {
    try {
      this.context = this.context || new AudioContext();
      await this.context.resume();
      this.enabled = true;
      this.chirp();
    } catch (error) {
      console.warn("sound unavailable", error);
      this.enabled = false;
      soundBox.dataset.state = "unavailable";
      soundLabel.textContent = "Sound unavailable in this browser";
      return;
    }
    this.show();
  }

  disable() {
    this.enabled = false;
    this.show();
  }

  show() {
    soundBox.dataset.state = this.enabled ? "on" : "off";
    soundLabel.textContent = this.enabled ? "Sound on" : "Sound off";
    soundToggle.textContent = this.enabled ? "Mute" : "Enable sound";
    soundToggle.setAttribute("aria-pressed", String(this.enabled));
  }

  tone(frequency, start, length) {
    const oscillator = this.context.createOscillator();
    const gain = this.context.createGain();
    oscillator.type = "square";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    oscillator.connect(gain).connect(this.context.destination);
    oscillator.start(start);
    oscillator.stop(start + length + 0.02);
  }

  chirp() {
    // A short, quiet confirmation that sound works.
    this.tone(660, this.context.currentTime, 0.12);
  }

  ring(hit) {
    this.alarms += 1;
    soundBox.dataset.alarms = String(this.alarms);
    soundBox.classList.add("ringing");
    soundLabel.textContent = `${this.enabled ? "Alarm" : "Alarm (sound off)"}: P${hit.priority} ${hit.plate}`;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => {
      soundBox.classList.remove("ringing");
      this.show();
    }, RINGING_MS);
    if (!this.enabled || !this.context) return;
    const now = this.context.currentTime;
    [880, 660, 880, 660].forEach((frequency, index) => this.tone(frequency, now + index * 0.22, 0.18));
  }
}

const alarm = new Alarm();
soundToggle.addEventListener("click", () => (alarm.enabled ? alarm.disable() : alarm.enable()));

function clock(iso) {
  const at = new Date(iso);
  const minutes = Math.max(0, Math.round((Date.now() - at.getTime()) / 60000));
  const ago = minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
  return `${at.toLocaleTimeString()} · ${ago}`;
}

function refreshClocks() {
  for (const time of queue.querySelectorAll("time[datetime]")) time.textContent = clock(time.getAttribute("datetime"));
}

function rowFor(hit) {
  const loud = hit.priority <= config.soundPriority;
  const row = document.createElement("li");
  row.className = `hit-row p${Number(hit.priority)}${loud ? " loud" : ""} fresh`;
  row.dataset.hitId = hit.id;
  row.dataset.priority = hit.priority;
  row.dataset.status = hit.status;
  row.innerHTML = `<a class="hit-link" href="${config.hitUrlTemplate.replace("{id}", Number(hit.id))}">
      <span class="prio p${Number(hit.priority)}">P${Number(hit.priority)}</span>
      <span class="plate">${escapeText(hit.plate)}</span>
      <span class="state-code">${escapeText(hit.state || "—")}</span>
      <span class="what"><b>${escapeText(hit.hotlist)}</b> · ${escapeText(hit.reason)}</span>
      <span class="flags">
        ${loud ? '<span class="flag alarm" title="An alarm sounds for this priority">Alarm</span>' : ""}
        <span class="flag kind-${escapeText(hit.kind)}">${escapeText(KIND_LABELS[hit.kind] || hit.kind)}</span>
        ${hit.retroactive ? '<span class="flag retro" title="Found when the plate was added to the list">Earlier read</span>' : ""}
      </span>
      <span class="where">${escapeText(hit.reader || "unknown reader")}</span>
      <time class="when" datetime="${escapeText(hit.read_at)}">${clock(hit.read_at)}</time>
      <span class="status-label status-${escapeText(hit.status)}">${escapeText(STATUS_LABELS[hit.status] || hit.status)}</span>
    </a>`;
  return row;
}

function rowOf(id) {
  return queue.querySelector(`li[data-hit-id="${Number(id)}"]`);
}

function place(row, hit) {
  // Highest priority first, then oldest first (the server's order).
  const after = [...queue.children].find((other) => Number(other.dataset.priority) > hit.priority);
  queue.insertBefore(row, after || null);
}

function raised(hit) {
  if (hit.status !== "unverified" || rowOf(hit.id)) return;
  place(rowFor(hit), hit);
  if (hit.sound) alarm.ring(hit);
}

function resolved(hit) {
  const row = rowOf(hit.id);
  if (!row || hit.status === "unverified") return;
  // Someone (maybe you, in another tab) verified it: say so, then take it off the queue.
  row.dataset.status = hit.status;
  row.classList.add("resolved");
  const label = row.querySelector(".status-label");
  label.className = `status-label status-${hit.status}`;
  label.textContent = STATUS_LABELS[hit.status] || hit.status;
  setTimeout(() => {
    row.remove();
    updateCount();
  }, RESOLVED_LINGER_MS);
}

function updateCount() {
  const waiting = queue.querySelectorAll('li[data-status="unverified"]').length;
  count.textContent = waiting;
  empty.hidden = queue.children.length > 0;
  document.title = waiting ? `(${waiting}) ${pageTitle}` : pageTitle;
}

function applyEvents(events) {
  for (const event of events) {
    if (event.type === "lpr.hit.raised") raised(event.payload);
    else if (event.type === "lpr.hit.updated" || event.type === "lpr.hit.actionable") resolved(event.payload);
  }
  updateCount();
}

const setConnection = connectionIndicator(document.getElementById("conn"));

refreshClocks();
updateCount();
setInterval(refreshClocks, 30000);
window.rtccLive = new LiveStream({
  socketPath: config.socketPath,
  eventsUrl: config.eventsUrl,
  startSeq: config.latestSeq,
  heartbeatSeconds: config.heartbeatSeconds,
  onEvents: applyEvents,
  onState: setConnection,
});
window.rtccLive.start();
