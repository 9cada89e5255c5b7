// Import job page: polls the job's status, moves the progress bar, then shows the report.
import { escapeText, readConfig } from "/static/js/live.js";

const config = readConfig("job-config");
const progress = document.getElementById("progress");
const bar = document.getElementById("bar");
const state = document.getElementById("state");
const reportBox = document.getElementById("report");

function showCameraReport(report) {
  const problems = report.problems
    .slice(0, 50)
    .map((p) => `<li>${p.feature ? "feature" : "line"} ${p.feature || p.line}: ${escapeText(p.reason)}</li>`)
    .join("");
  reportBox.innerHTML = `<dl>
      <dt>Rows</dt><dd id="rows">${report.rows}</dd>
      <dt>Accepted rows</dt><dd id="accepted">${report.accepted_rows}</dd>
      <dt>Rejected rows</dt><dd id="rejected">${report.rejected}</dd>
      <dt>Cameras</dt><dd id="records">${report.records}: created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}</dd>
      <dt>Outside the service area</dt><dd id="outside">${report.outside_service_area}</dd>
    </dl>${report.dry_run ? "<p>Dry run: nothing was written.</p>" : ""}${problems ? `<h2>Rejected rows</h2><ol>${problems}</ol>` : ""}`;
}

function showReport(report) {
  if (config.target === "camera") {
    showCameraReport(report);
    return;
  }
  const flagged = report.flagged.missing_coordinates + report.flagged.out_of_area;
  const problems = report.problems
    .slice(0, 50)
    .map((p) => `<li>line ${p.line}: ${escapeText(p.reason)}</li>`)
    .join("");
  const ranges = Object.entries(report.time_range || {})
    .map(([name, [from, to]]) => `<dt>${escapeText(name)}</dt><dd>${escapeText(from)} → ${escapeText(to)}</dd>`)
    .join("");
  reportBox.innerHTML = `<dl>
      <dt>Rows</dt><dd id="rows">${report.rows}</dd>
      <dt>Accepted</dt><dd id="accepted">${report.accepted}</dd>
      <dt>Flagged</dt><dd id="flagged">${flagged} (missing coordinates ${report.flagged.missing_coordinates}, out of area ${report.flagged.out_of_area})</dd>
      <dt>Rejected</dt><dd id="rejected">${report.rejected}</dd>
      <dt>Batches queued</dt><dd>${report.batches.length}</dd>${ranges}
    </dl>${problems ? `<h2>Rejected rows</h2><ol>${problems}</ol>` : ""}`;
}

async function poll() {
  const response = await fetch(config.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) {
    state.textContent = `Status unavailable (${response.status})`;
    return;
  }
  const job = await response.json();
  const share = job.lines_total ? Math.min(1, job.lines_done / job.lines_total) : 0;
  const percent = job.status === "done" ? 100 : Math.round(share * 100);
  bar.style.width = `${percent}%`;
  progress.setAttribute("aria-valuenow", percent);
  state.dataset.status = job.status;
  if (job.status === "done") {
    state.textContent = "Done";
    showReport(job.report);
  } else if (job.status === "failed") {
    progress.classList.add("failed");
    state.textContent = `Failed: ${job.error}`;
  } else {
    state.textContent = job.status === "queued" ? "Waiting for a worker…" : `Importing… ${percent}%`;
    setTimeout(poll, config.pollMilliseconds);
  }
}

poll();
