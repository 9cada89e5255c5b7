// LPR on the ops map: recent hits and the readers, each an overlay of the layer control.
// An unverified hit (only its hotlist's recipients ever receive one) is a hollow pulsing ring; a
// verified, actionable hit is a solid red dot; a rejected hit leaves the map.
import { escapeText } from "/static/js/live.js";

const STATUS_TEXT = { unverified: "Unverified: do not act yet", actionable: "Verified: actionable" };
const OUTCOME_TEXT = { stop: "Stop made", recovered: "Vehicle recovered", arrest: "Arrest", not_located: "Not located" };

function hitStyle(status) {
  if (status === "actionable") return { radius: 8, color: "#0b1220", weight: 2, fill: true, fillColor: "#ff2d2d", fillOpacity: 1 };
  return { radius: 11, color: "#ffb020", weight: 3, fill: false, dashArray: null };
}

export class LprLayer {
  constructor({ map, config, fetchJson, layerControl }) {
    this.map = map;
    this.config = config;
    this.fetchJson = fetchJson;
    this.hits = new Map(); // hit id -> circle marker
    // Readers sit under the incidents; hits above them, so a hit on a busy corner stays clickable.
    map.createPane("lprReaders").style.zIndex = 390;
    map.createPane("lprHits").style.zIndex = 420;
    this.hitGroup = L.layerGroup();
    this.readerGroup = L.layerGroup();
    if (config.lprHitsLayerUrl) {
      layerControl.addOverlay(this.hitGroup, "LPR hits");
      this.hitGroup.addTo(map);
    }
    if (config.lprReadersLayerUrl) {
      layerControl.addOverlay(this.readerGroup, "LPR readers");
      this.readerGroup.addTo(map);
    }
  }

  async load() {
    const [hits, readers] = await Promise.all([
      this.config.lprHitsLayerUrl ? this.fetchJson(`${this.config.lprHitsLayerUrl}?since_hours=24&page_size=2000`) : null,
      this.config.lprReadersLayerUrl ? this.fetchJson(`${this.config.lprReadersLayerUrl}?page_size=5000`) : null,
    ]);
    for (const feature of hits?.features || []) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      this.upsert({ ...p, id: feature.id ?? p.id, hotlist: p.hotlist_name, reader: p.reader_name, lat, lon });
    }
    for (const feature of readers?.features || []) this.addReader(feature);
  }

  apply(event) {
    if (this.config.lprHitsLayerUrl && event.type.startsWith("lpr.hit.")) this.upsert(event.payload);
  }

  upsert(hit) {
    const existing = this.hits.get(hit.id);
    if (existing && existing.hit.status === hit.status) {
      existing.hit = hit;
      return;
    }
    existing?.remove();
    this.hits.delete(hit.id);
    if (hit.status === "rejected" || hit.lat === null || hit.lon === null) return;
    const marker = L.circleMarker([hit.lat, hit.lon], {
      ...hitStyle(hit.status),
      pane: "lprHits",
      className: `lpr-hit lpr-hit-${Number(hit.id)} hit-${escapeText(hit.status)}`,
    });
    marker.hit = hit;
    marker.bindPopup(() => this.popup(marker.hit));
    marker.addTo(this.hitGroup);
    this.hits.set(hit.id, marker);
  }

  popup(hit) {
    const link = this.config.lprHitUrlTemplate
      ? `<p><a href="${this.config.lprHitUrlTemplate.replace("{id}", Number(hit.id))}">Open the hit</a></p>`
      : "";
    return `<div class="popup">
      <div class="popup-title"><span class="prio p${Number(hit.priority)}">LPR</span> ${escapeText(hit.plate)} ${escapeText(hit.state)}</div>
      <dl>
        <dt>Status</dt><dd class="status-${escapeText(hit.status)}">${escapeText(STATUS_TEXT[hit.status] || hit.status)}</dd>
        <dt>List</dt><dd>${escapeText(hit.hotlist)}</dd>
        <dt>Reason</dt><dd>${escapeText(hit.reason)}</dd>
        <dt>Reader</dt><dd>${escapeText(hit.reader)}</dd>
        <dt>Read</dt><dd>${escapeText(new Date(hit.read_at).toLocaleString())}</dd>
        ${hit.outcome ? `<dt>Outcome</dt><dd>${escapeText(OUTCOME_TEXT[hit.outcome] || hit.outcome)}</dd>` : ""}
      </dl>${link}</div>`;
  }

  addReader(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const reader = { ...feature.properties, id: feature.id ?? feature.properties.id };
    const icon = L.divIcon({
      html: "",
      className: `lpr-reader lpr-reader-${Number(reader.id)} reader-${escapeText(reader.status)}`,
      iconSize: [9, 9],
      iconAnchor: [4, 4],
    });
    L.marker([lat, lon], { icon, pane: "lprReaders", title: reader.name, keyboard: false })
      .bindPopup(
        () => `<div class="popup"><div class="popup-title">LPR reader: ${escapeText(reader.name)}</div>
          <dl><dt>Kind</dt><dd>${escapeText(reader.kind)}</dd>
          ${reader.direction ? `<dt>Direction</dt><dd>${escapeText(reader.direction)}</dd>` : ""}
          <dt>Status</dt><dd>${escapeText(reader.status)}</dd></dl></div>`,
      )
      .addTo(this.readerGroup);
  }
}
