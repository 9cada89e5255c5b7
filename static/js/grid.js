// A light graticule for maps without tiles: keeps a sense of scale and direction. Drawn in its
// own pane under every data layer, so no line crosses a marker.
export function drawGraticule(map, center, { step = 0.05, lines = 20, color = "#2b3a55" } = {}) {
  map.createPane("graticule").style.zIndex = 250;
  const style = { color, weight: 1, interactive: false, pane: "graticule" };
  const [lat, lon] = center;
  const reach = step * lines;
  for (let i = -lines; i <= lines; i += 1) {
    const y = Math.round((lat + i * step) / step) * step;
    const x = Math.round((lon + i * step) / step) * step;
    L.polyline([[y, lon - reach], [y, lon + reach]], style).addTo(map);
    L.polyline([[lat - reach, x], [lat + reach, x]], style).addTo(map);
  }
}

// Tiles when the agency configured a tile server, the graticule otherwise.
export function baseLayer(map, config) {
  if (config.tileUrl) {
    return L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  map.getContainer().classList.add("no-tiles");
  drawGraticule(map, config.center);
  return null;
}
