// Shots-fired detections on the ops map: a pulsing ring per detection, updated after review.
import { escapeText } from "/static/js/live.js";

const REVIEW_LABELS = { pending: "not reviewed yet", confirmed: "confirmed gunfire", not_gunfire: "not gunfire" };

export class ShotsLayer {
  constructor(map) {
    this.map = map;
    this.markers = new Map(); // detection id -> circle marker
  }

  upsert(shot) {
    if (shot.lat === null || shot.lon === null) return;
    const notGunfire = shot.review_status === "not_gunfire";
    const style = {
      radius: 14,
      color: notGunfire ? "#64748b" : "#ff4d4f",
      weight: 3,
      fill: false,
      dashArray: notGunfire ? "4 4" : null,
    };
    let marker = this.markers.get(shot.id);
    if (!marker) {
      marker = L.circleMarker([shot.lat, shot.lon], {
        ...style,
        className: `shots-marker shots-${shot.id} ${shot.review_status}`,
      }).addTo(this.map);
      this.markers.set(shot.id, marker);
    } else {
      marker.setLatLng([shot.lat, shot.lon]).setStyle(style);
      const element = marker.getElement();
      if (element) element.classList.toggle("not_gunfire", notGunfire);
    }
    marker.shot = shot;
    marker.bindPopup(() => this.popup(marker.shot));
  }

  popup(shot) {
    const rounds = shot.rounds === null ? "unknown" : shot.rounds;
    const confidence = shot.confidence === null ? "" : `<dt>Confidence</dt><dd>${Math.round(shot.confidence * 100)}%</dd>`;
    return `<div class="popup">
      <div class="popup-title"><span class="prio p1">SHOTS</span> ${escapeText(shot.detection_type)} gunfire</div>
      <dl>
        <dt>Detection</dt><dd>${escapeText(shot.external_id)}</dd>
        <dt>Rounds</dt><dd>${escapeText(String(rounds))}</dd>
        ${confidence}
        <dt>Review</dt><dd>${escapeText(REVIEW_LABELS[shot.review_status] || shot.review_status)}</dd>
        <dt>Detected</dt><dd>${escapeText(new Date(shot.detected_at).toLocaleString())}</dd>
        ${shot.address ? `<dt>Address</dt><dd>${escapeText(shot.address)}</dd>` : ""}
      </dl></div>`;
  }

  loadFeatures(collection) {
    for (const feature of collection.features) {
      const [lon, lat] = feature.geometry.coordinates;
      this.upsert({ ...feature.properties, id: feature.id ?? feature.properties.id, lat, lon });
    }
  }
}
