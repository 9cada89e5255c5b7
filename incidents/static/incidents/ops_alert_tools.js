// Helpers of the alert panel: the alarm tone (Web Audio, no files), API calls, the mute and resolve dialogs.
import { escapeText } from "/static/js/live.js";

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

// POST JSON; resolves to { ok, status, body } (a 409 names who holds the alert: the caller shows it).
export async function postJson(url, data = {}) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(data),
  });
  let body = {};
  try {
    body = await response.json();
  } catch (error) {
    body = { error: `${response.status} ${response.statusText}` };
  }
  return { ok: response.ok, status: response.status, body };
}

export function urlFor(template, id) {
  return template.replace("{id}", String(id));
}

// Browsers only allow audio after a user gesture: the panel's "Enable sound" button calls enable().
export class AlarmTone {
  constructor() {
    this.context = null;
  }

  get enabled() {
    return this.context !== null;
  }

  async enable() {
    const AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) return false;
    this.context = this.context || new AudioContextClass();
    try {
      await this.context.resume();
    } catch (error) {
      console.warn("audio resume failed", error);
    }
    return true;
  }

  disable() {
    this.context?.close();
    this.context = null;
  }

  // Two short high beeps (priority 1 gets three): distinct from any system sound, generated here.
  play(priority) {
    if (!this.context) return false;
    const beeps = priority <= 1 ? 3 : 2;
    const start = this.context.currentTime + 0.02;
    for (let i = 0; i < beeps; i += 1) {
      const oscillator = this.context.createOscillator();
      const gain = this.context.createGain();
      oscillator.type = "square";
      oscillator.frequency.value = priority <= 1 ? 988 : 880;
      const at = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      oscillator.connect(gain).connect(this.context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.18);
    }
    return true;
  }
}

export function holderText(alert) {
  const who = (user) => (user ? user.username : "the source");
  if (alert.status === "resolved") {
    const how = alert.disposition ? alert.disposition.replace("_", " ") : "resolved";
    return `Resolved (${how}) by ${who(alert.resolved_by)}`;
  }
  if (alert.status === "assigned") return `Assigned to ${who(alert.assignee)}`;
  if (alert.status === "acknowledged") return `Acknowledged by ${who(alert.acknowledged_by)}`;
  return "New";
}

export function ageText(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function muteMatches(mute, alert) {
  return (mute.type && mute.type === alert.type) || (mute.source_key && mute.source_key === alert.source_key);
}

export function muteText(mute) {
  const target = mute.type ? mute.type_label || mute.type : mute.source_key;
  const until = new Date(mute.expires_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `<b>${escapeText(target)}</b> until ${escapeText(until)} · ${escapeText(mute.reason)} · ${escapeText(mute.created_by?.username)}`;
}

// Fill a <select> with options [{value, label}], keeping a first "any" option when given.
export function fillSelect(select, options, anyLabel = null) {
  const parts = anyLabel === null ? [] : [`<option value="">${escapeText(anyLabel)}</option>`];
  for (const option of options) {
    parts.push(`<option value="${escapeText(option.value)}">${escapeText(option.label)}</option>`);
  }
  select.innerHTML = parts.join("");
}

// A <dialog> form: submit(formData) returns an error message (the dialog stays open) or null (it closes).
export function runDialog(dialog, { prepare, submit }) {
  const form = dialog.querySelector("form");
  const error = dialog.querySelector(".dialog-error");
  form.reset();
  error.textContent = "";
  prepare?.(form);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const message = await submit(new FormData(form));
    if (message) error.textContent = message;
    else dialog.close();
  };
  for (const button of dialog.querySelectorAll("[data-close]")) button.onclick = () => dialog.close();
  dialog.showModal();
}
