// Small geometry helpers for the browser (GeoJSON coordinates are [lon, lat]).

function pointInRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Whether [lon, lat] lies inside a GeoJSON Polygon or MultiPolygon (holes excluded).
export function pointInArea(point, area) {
  const polygons = area.type === "Polygon" ? [area.coordinates] : area.coordinates;
  return polygons.some(([outer, ...holes]) => pointInRing(point, outer) && !holes.some((h) => pointInRing(point, h)));
}

// Mirrors operations.selectors.operation_contains: inside the window [starts_at, ends_at) and the area.
export function insideOperation(operation, { lat, lon, at }) {
  if (!operation || lat === null || lat === undefined) return false;
  const moment = Date.parse(at);
  if (moment < Date.parse(operation.starts_at) || moment >= Date.parse(operation.ends_at)) return false;
  return pointInArea([lon, lat], operation.area);
}
