// Shift log on the ops map: a badge in the top bar (current shift, how many on duty) and, at shift
// change (the first N minutes of a shift) or when a handover note arrives live, a dismissible
// banner with the handover notes (what is open, what to watch). Events: shift.duty.changed,
// shift.handover.created (role streams only; the wall display never receives them).
import { escapeText } from "/static/js/live.js";

const DISMISSED_KEY = "rtcc.handover.dismissed";

function dismissedIds() {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(DISMISSED_KEY) || "[]"));
  } catch {
    return new Set();
  }
}

function hhmm(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export class ShiftPanel {
  constructor({ config, fetchJson, container }) {
    this.config = config;
    this.fetchJson = fetchJson;
    this.current = null;
    this.notes = new Map(); // id -> note shown in the banner
    this.badge = Object.assign(document.createElement("a"), {
      id: "shift-badge", className: "shift-badge", href: "/shifts/",
      textContent: "Shift…", title: "Current shift and who is on duty (shift log)",
    });
    const conn = document.getElementById("conn");
    conn ? conn.before(this.badge) : document.body.prepend(this.badge);
    this.banner = Object.assign(document.createElement("section"), {
      id: "handover-banner", className: "handover-banner", hidden: true,
    });
    this.banner.setAttribute("aria-label", "Shift handover");
    this.banner.setAttribute("role", "region");
    container.appendChild(this.banner);
    this.banner.addEventListener("click", (event) => {
      if (event.target.closest("[data-dismiss]")) this.dismiss();
    });
    this.ready = this.load().catch(() => { this.badge.textContent = "Shift: unavailable"; });
    setInterval(() => this.tick(), 60000);
  }

  async load() {
    this.current = await this.fetchJson(this.config.shiftsCurrentUrl);
    this.renderBadge();
    const startedMs = Date.parse(this.current.shift.starts_at);
    const skew = Date.parse(this.current.server_time) - Date.now();
    const withinBanner = Date.now() + skew - startedMs < this.current.banner_minutes * 60000;
    const dismissed = dismissedIds();
    this.notes.clear();
    if (withinBanner) {
      for (const note of this.current.handover_received) if (!dismissed.has(note.id)) this.notes.set(note.id, note);
    }
    this.renderBanner();
  }

  tick() {
    // The shift changes on the clock: reload when it ends (a new badge, the new handover banner).
    if (this.current && Date.now() >= Date.parse(this.current.shift.ends_at)) this.load().catch(() => {});
    else if (this.notes.size && this.current && !this.liveNote) this.load().catch(() => {}); // banner time over
  }

  apply(event) {
    const p = event.payload;
    if (!this.current) {
      this.ready.then(() => this.current && this.apply(event)); // arrived before the first load
      return;
    }
    if (event.type === "shift.duty.changed") {
      if (p.shift === this.current.shift.name && p.shift_date === this.current.shift.date) {
        this.current.on_duty = p.on_duty.map((user) => ({ user }));
        this.renderBadge();
      }
    } else if (event.type === "shift.handover.created") {
      this.liveNote = true;
      this.notes.set(p.id, p);
      this.renderBanner();
    }
  }

  renderBadge() {
    const { shift, on_duty: onDuty } = this.current;
    this.badge.innerHTML = `<span class="shift-name">${escapeText(shift.name)}</span>
      <b class="shift-count" data-count="${Number(onDuty.length)}">${Number(onDuty.length)} on duty</b>`;
    const hours = `${shift.name} shift ${hhmm(shift.starts_at)}–${hhmm(shift.ends_at)}`;
    this.badge.title = `${hours}. ${onDuty.length ? `On duty: ${onDuty.map((s) => s.user).join(", ")}` : "Nobody signed on"}`;
  }

  renderBanner() {
    const notes = [...this.notes.values()].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    this.banner.hidden = notes.length === 0;
    if (!notes.length) return;
    const from = [...new Set(notes.map((n) => n.shift))].join(", ");
    this.banner.innerHTML = `<div class="handover-head"><h2>Shift handover <span class="muted">from ${escapeText(from)}</span></h2>
      <button type="button" class="link" data-dismiss aria-label="Dismiss the handover notes">Dismiss</button></div>
      <ol class="handover-notes">${notes.map((n) => `<li data-note-id="${Number(n.id)}">
        <div class="handover-by"><b>${escapeText(n.author)}</b> <span class="muted">${escapeText(n.shift)} · ${escapeText(hhmm(n.created_at))}</span></div>
        <p class="handover-text">${escapeText(n.text)}</p>
        ${n.open_items ? `<p class="handover-open"><span class="tag open">Open</span> ${escapeText(n.open_items)}</p>` : ""}
        ${n.watch_items ? `<p class="handover-watch"><span class="tag watch">Watch</span> ${escapeText(n.watch_items)}</p>` : ""}
      </li>`).join("")}</ol>`;
  }

  dismiss() {
    const dismissed = dismissedIds();
    for (const id of this.notes.keys()) dismissed.add(id);
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify([...dismissed].slice(-200)));
    this.notes.clear();
    this.liveNote = false;
    this.renderBanner();
  }
}
