// Quick search box on the ops map: CAD number, address, plate. The server audits every search.
// Choosing an incident flies to it and opens its popup; a plate only links to the LPR search page
// (reads of plates need a purpose and a case number, given there).
import { escapeText } from "/static/js/live.js";

const DEBOUNCE_MS = 300;
const KIND_LABELS = { incident: "CAD", address: "Address", plate: "Plate" };

export class MapSearch {
  constructor({ map, config, container, focusIncident }) {
    this.map = map;
    this.config = config;
    this.focusIncident = focusIncident;
    this.request = 0;
    const form = document.createElement("form");
    form.className = "map-search";
    form.setAttribute("role", "search");
    form.innerHTML = `<input type="search" id="map-search-q" placeholder="CAD #, address or plate" aria-label="Search the map"
        minlength="2" maxlength="64" autocomplete="off">
      <ol id="map-search-results" class="map-search-results" role="listbox" hidden></ol>`;
    container.appendChild(form);
    this.input = form.querySelector("input");
    this.list = form.querySelector("ol");
    this.pinned = null;
    let timer = null;
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.search(), DEBOUNCE_MS);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      this.search();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
      if (event.key === "ArrowDown") this.list.querySelector("li")?.focus();
    });
    this.list.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.target.closest("li")?.click();
      if (event.key === "ArrowDown") event.target.nextElementSibling?.focus();
      if (event.key === "ArrowUp") (event.target.previousElementSibling || this.input).focus();
      if (event.key === "Escape") this.close();
    });
  }

  close() {
    this.list.hidden = true;
    this.list.replaceChildren();
  }

  async search() {
    const q = this.input.value.trim();
    if (q.length < 2) {
      this.close();
      return;
    }
    const request = (this.request += 1);
    const response = await fetch(`${this.config.searchUrl}?${new URLSearchParams({ q })}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const body = await response.json();
    if (request !== this.request) return;
    if (!response.ok) {
      this.show([], body.error || `Search refused (${response.status})`);
      return;
    }
    this.show(body, body.length ? "" : "Nothing found");
  }

  show(results, note) {
    const rows = results.map((r) => {
      const li = document.createElement("li");
      li.tabIndex = 0;
      li.setAttribute("role", "option");
      li.className = `result kind-${escapeText(r.kind)}`;
      li.dataset.kind = r.kind;
      if (r.id !== null) li.dataset.id = r.id;
      li.innerHTML = `<span class="kind">${KIND_LABELS[r.kind] || escapeText(r.kind)}</span><span class="label">${escapeText(r.label)}${
        r.lat === null && r.kind !== "plate" ? ' <em class="flag">no location</em>' : ""
      }</span>`;
      li.addEventListener("click", () => this.choose(r));
      return li;
    });
    if (note) {
      const li = document.createElement("li");
      li.className = "note";
      li.textContent = note;
      rows.push(li);
    }
    this.list.replaceChildren(...rows);
    this.list.hidden = false;
  }

  choose(r) {
    if (r.kind === "plate") {
      window.location.assign(r.url);
      return;
    }
    this.close();
    if (r.id !== null && this.focusIncident(r.id)) return; // on the map: its own popup
    if (r.lat === null) return;
    // Not on the live map (closed, or outside the time filter): a pin with the result's label.
    this.pinned?.remove();
    this.pinned = L.popup({ className: "search-pin" })
      .setLatLng([r.lat, r.lon])
      .setContent(`<div class="popup"><div class="popup-title">${escapeText(r.label)}</div></div>`)
      .openOn(this.map);
    this.map.flyTo([r.lat, r.lon], Math.max(this.map.getZoom(), 16), { duration: 0.6 });
  }
}
