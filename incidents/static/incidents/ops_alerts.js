// The alert strip above the incident list: new alerts, newest high priority first.
import { escapeText } from "/static/js/live.js";

const RESOLVED_LINGER_MS = 8000;

export class AlertStrip {
  constructor({ list, total, onFocus }) {
    this.list = list;
    this.total = total;
    this.onFocus = onFocus;
    this.alerts = new Map();
  }

  upsert(alert) {
    this.alerts.set(alert.id, alert);
    if (alert.status === "resolved") {
      setTimeout(() => {
        if (this.alerts.get(alert.id)?.status === "resolved") {
          this.alerts.delete(alert.id);
          this.render();
        }
      }, RESOLVED_LINGER_MS);
    }
  }

  render() {
    const items = [...this.alerts.values()].sort(
      (a, b) => a.priority - b.priority || Date.parse(b.created_at) - Date.parse(a.created_at),
    );
    this.list.replaceChildren(...items.map((alert) => this.row(alert)));
    this.total.textContent = items.filter((a) => a.status !== "resolved").length;
  }

  row(alert) {
    const row = document.createElement("li");
    row.className = `alert p${alert.priority} ${alert.status}`;
    row.dataset.alertId = alert.id;
    row.dataset.sourceKey = alert.source_key;
    row.tabIndex = 0;
    row.innerHTML = `<div class="title">${escapeText(alert.title)}</div>
      <div class="detail">${escapeText(alert.detail)}${alert.status === "resolved" ? " · resolved" : ""}</div>`;
    row.addEventListener("click", () => this.onFocus(alert));
    return row;
  }
}
