// Incident markers of the ops map, one overlay per priority.
// P1 is never clustered: each priority-1 incident is its own marker, in a pane above every other
// marker, so it cannot hide in a cluster. P2–P5 each have a cluster group of their own (an
// incident never merges with another priority) whose cluster icon has the priority's colour.
// Markers are updated in place; the caller removes closed incidents after a short linger.

export const PRIORITY_COLOURS = { 1: "#ff4d4f", 2: "#ff9f1a", 3: "#ffd43b", 4: "#4dabf7", 5: "#94a3b8" };
const OPEN = new Set(["received", "dispatched", "on_scene"]);

export function markerStyle(d) {
  const open = OPEN.has(d.status);
  return {
    radius: d.priority <= 2 ? 8 : 6,
    color: "#0b1220",
    weight: 1,
    fillColor: open ? PRIORITY_COLOURS[d.priority] : "#475569",
    fillOpacity: open ? 0.95 : 0.5,
  };
}

export function clusterGroupFor(priority, pane) {
  return L.markerClusterGroup({
    clusterPane: pane,
    showCoverageOnHover: false,
    chunkedLoading: true,
    maxClusterRadius: 60,
    spiderLegPolylineOptions: { color: PRIORITY_COLOURS[priority], weight: 1.5, opacity: 0.7 },
    iconCreateFunction: (cluster) => {
      const count = cluster.getChildCount();
      const size = count < 10 ? 28 : count < 100 ? 34 : 40;
      return L.divIcon({
        html: `<span>${count}</span>`,
        className: `marker-cluster incident-cluster p${priority}`,
        iconSize: [size, size],
      });
    },
  });
}

export class IncidentMarkers {
  constructor({ map, layerControl, popupHtml, onPopupOpen }) {
    this.map = map;
    this.popupHtml = popupHtml;
    this.onPopupOpen = onPopupOpen;
    this.visible = () => true; // the time filter's predicate
    // Panes of their own, so playback can hide the live markers (CSS) without touching the layers.
    map.createPane("incidents").style.zIndex = 400;
    map.createPane("incidentClusters").style.zIndex = 590;
    map.createPane("incidentsP1").style.zIndex = 640;
    this.groups = {};
    for (const p of [1, 2, 3, 4, 5]) {
      const group = p === 1 ? L.layerGroup() : clusterGroupFor(p, "incidentClusters");
      this.groups[p] = group;
      layerControl.addGrouped(group, `<span class="swatch-dot p${p}"></span> P${p}${p === 1 ? " (never clustered)" : ""}`, "Incidents");
      group.addTo(map);
    }
    this.pending = { 1: [], 2: [], 3: [], 4: [], 5: [] };
  }

  // Create, update or drop the marker of one incident entry ({ data, marker, group }).
  set(entry) {
    const d = entry.data;
    const wanted = d.lat !== null && d.lon !== null && this.visible(d);
    if (!wanted) {
      this.drop(entry);
      return;
    }
    const style = markerStyle(d);
    if (entry.marker && entry.group !== d.priority) this.drop(entry);
    if (!entry.marker) {
      entry.marker = L.circleMarker([d.lat, d.lon], {
        ...style,
        pane: d.priority === 1 ? "incidentsP1" : "incidents",
        className: `incident-marker incident-${d.id} p${d.priority}`,
      });
      entry.marker.bindPopup(() => this.popupHtml(entry.data));
      entry.marker.on("popupopen", () => this.onPopupOpen(entry.data));
      entry.group = d.priority;
      this.pending[d.priority].push(entry.marker);
    } else {
      const moved = !entry.marker.getLatLng().equals([d.lat, d.lon]);
      entry.marker.setStyle(style);
      if (moved) {
        // A cluster group keeps its own index of positions: take the marker out and back in.
        this.groups[entry.group].removeLayer(entry.marker);
        entry.marker.setLatLng([d.lat, d.lon]);
        this.pending[entry.group].push(entry.marker);
      }
    }
    entry.marker.options.incidentId = d.id;
  }

  drop(entry) {
    if (!entry.marker) return;
    const i = this.pending[entry.group].indexOf(entry.marker);
    if (i >= 0) this.pending[entry.group].splice(i, 1);
    else this.groups[entry.group].removeLayer(entry.marker);
    entry.marker = null;
    entry.group = null;
  }

  // Add the markers created since the last flush, in bulk (markercluster's addLayers is far
  // cheaper than one addLayer per marker for thousands).
  flush() {
    for (const p of [1, 2, 3, 4, 5]) {
      const markers = this.pending[p];
      if (!markers.length) continue;
      this.pending[p] = [];
      if (p === 1) for (const marker of markers) this.groups[1].addLayer(marker);
      else this.groups[p].addLayers(markers);
    }
  }

  // Re-apply the time filter to every entry.
  refilter(entries) {
    for (const entry of entries) this.set(entry);
    this.flush();
  }

  focus(entry, zoom) {
    if (!entry.marker) return false;
    const group = this.groups[entry.group];
    if (!this.map.hasLayer(group)) group.addTo(this.map);
    if (group.zoomToShowLayer) {
      group.zoomToShowLayer(entry.marker, () => entry.marker.openPopup());
    } else {
      this.map.flyTo(entry.marker.getLatLng(), Math.max(this.map.getZoom(), zoom), { duration: 0.6 });
      entry.marker.openPopup();
    }
    return true;
  }

  // Playback hides the live markers' panes (ops_layers.css, .in-playback); the layers and the layer
  // control stay as they are and keep receiving live updates, so "Back to live" is up to date.
  suspend() {
    this.map.getContainer().classList.add("in-playback");
  }

  resume() {
    this.map.getContainer().classList.remove("in-playback");
  }
}
