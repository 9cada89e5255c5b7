// "Add to case" for the ops map's correlation panel: a select of my open cases and one POST per item
// (POST /api/v1/cases/<id>/links/). Used by incidents/static/incidents/ops_correlation.js.

// Correlation section -> case link kind.
export const LINK_KINDS = { cameras: "camera", lpr_reads: "lpr_read", shots: "shots", gps_subjects: "gps_subject", prior_incidents: "incident" };
// The panel's anchor itself (the incident or alert it was opened for).
const ANCHOR_KINDS = { incident: "incident", alert: "alert" };

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

export class CasePicker {
  constructor(casesUrl) {
    this.casesUrl = casesUrl;
    this.element = document.createElement("div");
    this.element.className = "corr-form corr-case"; // the panel's form styles (ops_correlation.css)
    const label = document.createElement("label");
    label.className = "corr-inline corr-wide";
    label.textContent = "Add to ";
    this.select = document.createElement("select");
    this.select.name = "rtcc_case";
    this.select.setAttribute("aria-label", "Case to add items to");
    label.append(this.select);
    this.status = document.createElement("span");
    this.status.className = "corr-case-status muted";
    this.status.hidden = true;
    this.status.setAttribute("role", "status");
    // "Add this incident/alert": the thing the panel was opened for, in one click too.
    this.anchorButton = document.createElement("button");
    this.anchorButton.type = "button";
    this.anchorButton.className = "corr-add corr-add-anchor";
    this.anchorButton.hidden = true;
    this.anchorButton.addEventListener("click", () => this.add(this.anchor.section, this.anchor.id, this.anchorButton));
    this.element.append(label, this.anchorButton, this.status);
  }

  // anchor: { section: "incident" | "alert", id, label } or null for a map point.
  setAnchor(anchor) {
    this.anchor = anchor;
    this.anchorButton.hidden = !anchor;
    this.anchorButton.disabled = false;
    if (anchor) this.anchorButton.textContent = `Add ${anchor.section} ${anchor.label} to case`;
  }

  // My open cases, newest first; the previous choice is kept when still open.
  async refresh() {
    const previous = this.select.value;
    try {
      const response = await fetch(`${this.casesUrl}?mine=1&status=open`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      const cases = body.results || body;
      const options = cases.map((c) => new Option(`${c.number} ${c.title}`.slice(0, 60), String(c.id)));
      if (!options.length) options.push(new Option("— no open case of yours —", ""));
      this.select.replaceChildren(...options);
      if (previous && cases.some((c) => String(c.id) === previous)) this.select.value = previous;
    } catch (error) {
      this.say(`cases: ${error.message}`);
    }
  }

  say(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  async add(section, objectId, button) {
    const caseId = this.select.value;
    const kind = LINK_KINDS[section] || ANCHOR_KINDS[section];
    if (!caseId || !kind) {
      this.say("Open a case first (Cases page).");
      return;
    }
    button.disabled = true;
    const response = await fetch(`${this.casesUrl}${caseId}/links/`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ kind, object_id: Number(objectId) }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      button.textContent = `added to ${body.case_number}`;
      this.say("");
    } else {
      button.disabled = response.status !== 409; // already linked stays done
      this.say(body.error || `HTTP ${response.status}`);
      if (response.status === 409) button.textContent = "already in case";
    }
  }
}
