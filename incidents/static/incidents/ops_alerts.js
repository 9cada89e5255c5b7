// The alert panel: every open alert on the user's streams, by priority then newest, kept live by
// alert.* events. Shows who holds each alert (on every analyst's screen), lets the analyst
// acknowledge / take / resolve / annotate, sounds for new high-priority alerts once sound is enabled,
// lists active mutes and shows the analyst's alerts-per-hour gauge.
import { escapeText } from "/static/js/live.js";
import {
  AlarmTone,
  ageText,
  fillSelect,
  holderText,
  muteMatches,
  muteText,
  postJson,
  urlFor,
} from "./ops_alert_tools.js";
import { openMuteDialog, openNotesDialog, openResolveDialog } from "./ops_alert_dialogs.js";

const RESOLVED_LINGER_MS = 6000;
const MAX_ROWS = 200;
const TICK_MS = 15000;
const WORKLOAD_REFRESH_MS = 60000;
// Inline SVG, not an emoji: ops workstations and headless browsers often lack an emoji font.
const BELL_SVG =
  '<svg class="bell-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M8 1.5a1 1 0 0 1 1 1v.6a4.5 4.5 0 0 1 3.5 4.4v2.8l1.3 1.7H2.2l1.3-1.7V7.5A4.5 4.5 0 0 1 7 3.1v-.6a1 1 0 0 1 1-1zM6.3 13h3.4a1.7 1.7 0 0 1-3.4 0z"/></svg>';
const DISPOSITIONS = [
  { value: "actionable", label: "Actionable" },
  { value: "benign", label: "Benign" },
  { value: "false_positive", label: "False positive" },
  { value: "undetermined", label: "Undetermined" },
];

// What a rule attached: its name and the nearest cameras that see the spot.
function contextHtml(context) {
  if (!context) return "";
  const parts = [];
  if (context.rule?.name) parts.push(`Rule: ${escapeText(context.rule.name)}`);
  if (context.cameras?.length) {
    const cams = context.cameras.map((c) => `${escapeText(c.name)} (${Math.round(c.distance_m)} m)`).join(" · ");
    parts.push(`Cameras that see it: ${cams}`);
  }
  return parts.length ? `<div class="context" data-context>${parts.join("<br>")}</div>` : "";
}

export class AlertPanel {
  constructor({ root, list, total, config, fetchJson, onFocus, onCorrelate = null }) {
    this.root = root;
    this.list = list;
    this.total = total;
    this.config = config;
    this.fetchJson = fetchJson;
    this.onFocus = onFocus;
    this.onCorrelate = onCorrelate;
    this.alerts = new Map(); // id -> payload
    this.rows = new Map(); // id -> { li, key }
    this.mutes = new Map(); // id -> mute payload (active only)
    this.sounded = new Set(); // alert ids that already sounded (once per alert)
    this.correlated = new Set();
    this.selected = new Set();
    this.tone = new AlarmTone();
    this.me = config.currentUser || { id: null, username: "" };
    this.el = (name) => root.querySelector(`[data-role="${name}"]`);
    this.setUpControls();
    setInterval(() => this.tick(), TICK_MS);
    if (config.alertWorkloadUrl) setInterval(() => this.refreshWorkload(), WORKLOAD_REFRESH_MS);
  }

  setUpControls() {
    const types = this.config.alertTypes || [];
    fillSelect(this.el("type-filter"), types, "All types");
    this.el("type-filter").addEventListener("change", () => this.render());
    this.el("status-filter").addEventListener("change", () => this.render());
    this.el("sound").addEventListener("click", () => this.toggleSound());
    const canWork = Boolean(this.config.canWorkAlerts);
    this.el("bulk").hidden = !canWork;
    this.el("bulk-ack").addEventListener("click", () => this.bulkAcknowledge());
    this.el("select-all").addEventListener("change", (event) => {
      this.selected = new Set(event.target.checked ? this.visible().filter((a) => a.status === "new").map((a) => a.id) : []);
      this.render();
    });
    const muteButton = this.el("mute");
    muteButton.hidden = !this.config.canMuteAlerts;
    muteButton.addEventListener("click", () => this.openMuteDialog({}));
    fillSelect(this.root.querySelector("#alert-mute-type"), types, "— a source instead —");
    fillSelect(this.root.querySelector("#alert-resolve-disposition"), DISPOSITIONS, "Choose…");
    this.list.addEventListener("click", (event) => this.onListClick(event));
    this.list.addEventListener("change", (event) => {
      const box = event.target.closest("input[data-select]");
      if (!box) return;
      const id = Number(box.dataset.select);
      if (box.checked) this.selected.add(id);
      else this.selected.delete(id);
      this.renderBulk();
    });
  }

  // --- data in -------------------------------------------------------------------------------
  async start() {
    const jobs = [];
    if (this.config.alertMutesUrl) jobs.push(this.fetchJson(this.config.alertMutesUrl).then((m) => m.forEach((x) => this.upsertMute(x))));
    if (this.config.alertWorkloadUrl) jobs.push(this.refreshWorkload());
    await Promise.allSettled(jobs);
    this.renderMutes();
  }

  load(alerts) {
    for (const alert of alerts) this.upsert(alert, { live: false });
  }

  apply(event) {
    if (event.type === "alert.mute.created" || event.type === "alert.mute.ended") {
      this.upsertMute(event.payload);
      this.renderMutes();
      return;
    }
    this.upsert(event.payload, { live: event.type === "alert.raised" });
  }

  upsert(alert, { live = false } = {}) {
    const previous = this.alerts.get(alert.id);
    this.alerts.set(alert.id, alert);
    if (alert.status !== "new") this.selected.delete(alert.id);
    if (alert.status === "resolved" && previous?.status !== "resolved") {
      setTimeout(() => this.forget(alert.id), RESOLVED_LINGER_MS);
    }
    if (live && alert.status === "new") {
      if (alert.priority <= (this.config.alertSoundPriority ?? 2) && !this.isMuted(alert)) this.sound(alert);
      if (this.onCorrelate && alert.context?.open_correlation && !this.correlated.has(alert.id)) {
        this.correlated.add(alert.id);
        this.onCorrelate(alert);
      }
    }
  }

  forget(id) {
    if (this.alerts.get(id)?.status !== "resolved") return;
    this.alerts.delete(id);
    this.rows.delete(id);
    this.sounded.delete(id);
    this.correlated.delete(id);
    this.render();
  }

  upsertMute(mute) {
    const active = !mute.ended_at && Date.parse(mute.expires_at) > Date.now();
    if (active) this.mutes.set(mute.id, mute);
    else this.mutes.delete(mute.id);
  }

  isMuted(alert) {
    if (alert.muted) return true;
    for (const mute of this.mutes.values()) if (muteMatches(mute, alert)) return true;
    return false;
  }

  // --- sound -----------------------------------------------------------------------------------
  async toggleSound() {
    const button = this.el("sound");
    if (this.tone.enabled) {
      this.tone.disable();
    } else {
      await this.tone.enable();
    }
    button.dataset.enabled = String(this.tone.enabled);
    button.innerHTML = this.tone.enabled ? `${BELL_SVG} Sound on` : "Enable sound";
    button.setAttribute("aria-pressed", String(this.tone.enabled));
  }

  sound(alert) {
    if (this.sounded.has(alert.id) || !this.tone.enabled) return;
    this.sounded.add(alert.id);
    this.tone.play(alert.priority);
    // Visible proof of every sound (headless browsers have no speakers; people look away).
    const indicator = this.el("sounding");
    indicator.hidden = false;
    indicator.dataset.count = String(Number(indicator.dataset.count || 0) + 1);
    indicator.innerHTML = `${BELL_SVG} P${alert.priority}`;
    indicator.title = `Sounded for: ${alert.title}`;
    clearTimeout(this.soundingTimer);
    this.soundingTimer = setTimeout(() => {
      indicator.hidden = true;
    }, 8000);
  }

  // --- rendering -------------------------------------------------------------------------------
  visible() {
    const type = this.el("type-filter").value;
    const status = this.el("status-filter").value;
    return [...this.alerts.values()]
      .filter((a) => !type || a.type === type)
      .filter((a) => !this.scopeFilter || this.scopeFilter(a)) // the map's operation scope, when one is chosen
      .filter((a) => {
        if (status === "open" || !status) return true; // resolved ones linger briefly, then go
        if (status === "mine") return a.assignee?.id === this.me.id && a.status !== "resolved";
        return a.status === status;
      })
      .sort((a, b) => a.priority - b.priority || Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  }

  render() {
    const items = this.visible();
    const shown = items.slice(0, MAX_ROWS).map((alert) => this.rowFor(alert));
    if (items.length > MAX_ROWS) {
      const more = document.createElement("li");
      more.className = "alert-more";
      more.textContent = `+${items.length - MAX_ROWS} more (use the filters)`;
      shown.push(more);
    }
    this.list.replaceChildren(...shown);
    // Rows for alerts no longer shown (filtered, forgotten) are dropped, so nothing piles up.
    const keep = new Set(items.slice(0, MAX_ROWS).map((a) => a.id));
    for (const id of this.rows.keys()) if (!keep.has(id)) this.rows.delete(id);
    this.total.textContent = [...this.alerts.values()].filter(
      (a) => a.status !== "resolved" && (!this.scopeFilter || this.scopeFilter(a)),
    ).length;
    this.renderBulk();
  }

  rowFor(alert) {
    const muted = this.isMuted(alert);
    const key = JSON.stringify([alert, muted, this.selected.has(alert.id), this.sounded.has(alert.id)]);
    const cached = this.rows.get(alert.id);
    if (cached && cached.key === key) return cached.li;
    const li = cached?.li || document.createElement("li");
    li.className = `alert p${alert.priority} ${alert.status}${muted ? " is-muted" : ""}`;
    li.dataset.alertId = alert.id;
    li.dataset.sourceKey = alert.source_key;
    li.dataset.status = alert.status;
    li.dataset.muted = String(muted);
    if (this.sounded.has(alert.id)) li.dataset.sounded = "true";
    li.tabIndex = 0;
    li.innerHTML = `
      <div class="alert-head">
        ${this.config.canWorkAlerts && alert.status === "new" ? `<input type="checkbox" data-select="${alert.id}" aria-label="Select for bulk acknowledge"${this.selected.has(alert.id) ? " checked" : ""}>` : ""}
        <span class="prio p${alert.priority}">P${alert.priority}</span>
        <span class="alert-type">${escapeText(alert.type_label || alert.type)}</span>
        ${this.sounded.has(alert.id) ? `<span class="bell" title="Sounded" aria-label="Sounded">${BELL_SVG}</span>` : ""}
        ${muted ? '<span class="muted-flag" title="Muted">muted</span>' : ""}
        <span class="age" data-created="${escapeText(alert.created_at)}">${ageText(alert.created_at)}</span>
      </div>
      <div class="title">${escapeText(alert.title)}</div>
      ${alert.detail ? `<div class="detail">${escapeText(alert.detail)}</div>` : ""}
      ${contextHtml(alert.context)}
      <div class="holder" data-holder>${escapeText(holderText(alert))}</div>
      <div class="alert-actions">${this.actionsHtml(alert)}</div>`;
    this.rows.set(alert.id, { li, key });
    return li;
  }

  actionsHtml(alert) {
    const parts = [];
    const open = alert.status !== "resolved";
    const mine = alert.assignee?.id === this.me.id;
    const heldByOther = alert.status === "assigned" && !mine;
    if (this.config.canWorkAlerts && open) {
      if (alert.status === "new") parts.push(`<button type="button" data-action="acknowledge">Acknowledge</button>`);
      if (!mine && (!heldByOther || this.config.canOverseeAlerts)) parts.push(`<button type="button" data-action="assign">Take</button>`);
      if (!heldByOther || this.config.canOverseeAlerts) parts.push(`<button type="button" data-action="resolve">Resolve</button>`);
    }
    const notes = alert.notes_count ? `Notes (${alert.notes_count})` : "Notes";
    parts.push(`<button type="button" class="link" data-action="notes">${notes}</button>`);
    if (this.onCorrelate && alert.lat !== null && alert.lat !== undefined) parts.push(`<button type="button" class="link" data-action="correlate">Correlate</button>`);
    if (this.config.canMuteAlerts && open) parts.push(`<button type="button" class="link" data-action="mute">Mute…</button>`);
    return parts.join("");
  }

  renderBulk() {
    const count = [...this.selected].filter((id) => this.alerts.get(id)?.status === "new").length;
    const button = this.el("bulk-ack");
    button.disabled = count === 0;
    button.textContent = count ? `Acknowledge ${count} selected` : "Acknowledge selected";
  }

  renderMutes() {
    const list = this.el("mutes");
    const mutes = [...this.mutes.values()].sort((a, b) => Date.parse(a.expires_at) - Date.parse(b.expires_at));
    list.replaceChildren(
      ...mutes.map((mute) => {
        const li = document.createElement("li");
        li.dataset.muteId = mute.id;
        const canEnd = this.config.canMuteAlerts && (mute.created_by?.id === this.me.id || this.config.canOverseeAlerts);
        li.innerHTML = `${muteText(mute)}${canEnd ? ' <button type="button" class="link" data-end-mute>End</button>' : ""}`;
        li.querySelector("[data-end-mute]")?.addEventListener("click", () => this.endMute(mute.id));
        return li;
      }),
    );
    this.el("mutes-wrap").hidden = mutes.length === 0;
    this.rows.clear(); // muted/dimmed state may have changed on any row
    this.render();
  }

  tick() {
    for (const span of this.list.querySelectorAll(".age[data-created]")) span.textContent = ageText(span.dataset.created);
    let changed = false;
    for (const mute of [...this.mutes.values()]) {
      if (Date.parse(mute.expires_at) <= Date.now()) {
        this.mutes.delete(mute.id);
        changed = true;
      }
    }
    if (changed) this.renderMutes();
  }

  async refreshWorkload() {
    const gauge = this.el("gauge");
    try {
      const rows = await this.fetchJson(this.config.alertWorkloadUrl);
      const own = rows.find((r) => r.user_id === this.me.id);
      const row = own || rows.reduce((top, r) => (!top || r.per_hour > top.per_hour ? r : top), null);
      if (!row) {
        gauge.hidden = true;
        return;
      }
      const level = row.overload ? "over" : row.per_hour >= row.threshold * 0.75 ? "near" : "ok";
      gauge.hidden = false;
      gauge.dataset.level = level;
      gauge.dataset.perHour = row.per_hour;
      gauge.title = `${row.username}: handled ${row.handled_last_hour}, open raised ${row.open_raised_last_hour} in the last hour (ISA-18.2 limit ${row.threshold}/h)`;
      gauge.textContent = `${own ? "" : `${row.username} `}${row.per_hour}/h`;
    } catch (error) {
      gauge.dataset.level = "unknown";
      gauge.textContent = "–/h";
    }
  }

  // --- actions ---------------------------------------------------------------------------------
  say(message) {
    this.el("message").textContent = message;
  }

  onListClick(event) {
    const button = event.target.closest("button[data-action]");
    const li = event.target.closest("li[data-alert-id]");
    if (!li) return;
    const alert = this.alerts.get(Number(li.dataset.alertId));
    if (!alert) return;
    if (!button) {
      if (!event.target.closest("input")) this.onFocus?.(alert);
      return;
    }
    const action = button.dataset.action;
    if (action === "acknowledge" || action === "assign") this.act(alert, action);
    else if (action === "resolve") this.openResolveDialog(alert);
    else if (action === "notes") this.openNotesDialog(alert);
    else if (action === "correlate") this.onCorrelate?.(alert);
    else if (action === "mute") this.openMuteDialog({ source_key: alert.source_key, type: alert.type });
  }

  async act(alert, action, data = {}) {
    const result = await postJson(urlFor(this.config.alertActionUrlTemplate, alert.id).replace("{action}", action), data);
    if (result.ok) {
      this.upsert(result.body);
      this.render();
      this.say("");
      this.refreshWorkload();
    } else {
      this.say(result.body.error || `Failed (${result.status})`);
    }
    return result;
  }

  async bulkAcknowledge() {
    const ids = [...this.selected].filter((id) => this.alerts.get(id)?.status === "new");
    if (!ids.length) return;
    const result = await postJson(this.config.alertBulkAckUrl, { ids });
    this.selected.clear();
    this.el("select-all").checked = false;
    if (!result.ok) {
      this.say(result.body.error || `Failed (${result.status})`);
    } else {
      const refused = result.body.results.filter((r) => !r.ok);
      this.say(`${result.body.acknowledged} acknowledged${refused.length ? `; ${refused.map((r) => r.error).join(" ")}` : ""}`);
      this.refreshWorkload();
    }
    this.render();
  }

  openResolveDialog(alert) {
    openResolveDialog(this, alert);
  }

  openNotesDialog(alert) {
    openNotesDialog(this, alert);
  }

  openMuteDialog(target) {
    openMuteDialog(this, target);
  }

  async endMute(id) {
    const result = await postJson(urlFor(this.config.alertMuteEndUrlTemplate, id));
    if (result.ok) {
      this.upsertMute(result.body);
      this.renderMutes();
    } else {
      this.say(result.body.error || `Failed (${result.status})`);
    }
  }
}

// The former name, kept so the ops map's construction reads the same.
export { AlertPanel as AlertStrip };
