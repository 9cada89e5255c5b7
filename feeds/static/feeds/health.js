// Feed health page: re-reads the health API and redraws the rows in place.
import { escapeText, readConfig } from "/static/js/live.js";

const config = readConfig("health-config");
const rows = document.getElementById("health-rows");

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function row(feed) {
  const tr = document.createElement("tr");
  tr.dataset.feedId = feed.feed_id;
  tr.dataset.status = feed.status;
  const lag = feed.lag_seconds === null ? "–" : `${Math.round(feed.lag_seconds)} s`;
  tr.innerHTML = `<td>${escapeText(feed.name)}</td><td>${escapeText(feed.kind)}</td>
    <td><span class="status ${feed.status}">${feed.status}</span> <span class="muted">${escapeText(feed.reason)}</span></td>
    <td>${when(feed.last_record_at)}</td><td>${feed.records_per_minute}</td><td>${lag}</td>
    <td>${feed.accepted_records}</td><td>${feed.rejected_records}</td><td>${feed.dead_lettered_records}</td>
    <td>${feed.open_dead_letters}</td><td>${feed.backlog_batches}</td>`;
  return tr;
}

async function refresh() {
  const response = await fetch(config.apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const feeds = await response.json();
  if (feeds.length) rows.replaceChildren(...feeds.map(row));
}

setInterval(refresh, config.refreshSeconds * 1000);
