"""View cones: the area a camera sees, as a polygon for the map and as exact SQL for "sees this spot".

The polygon is drawn on a sphere (mean Earth radius) with an arc point every few degrees; it is for
display and coarse spatial joins. Whether a camera sees a point is decided exactly in SQL from the
geodesic distance and azimuth on the WGS 84 spheroid (`SEES_POINT_SQL`), so the answer does not
depend on how finely the arc was drawn.
"""

from __future__ import annotations

import math

from django.contrib.gis.geos import Point, Polygon

EARTH_RADIUS_M = 6_371_008.8
ARC_STEP_DEGREES = 5.0
# Tolerance for "on the edge of the cone" (floating point of the azimuth computation).
EDGE_EPSILON_DEGREES = 1e-6


def destination(lon: float, lat: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lon, lat) along `bearing_deg` (great circle)."""
    angular = distance_m / EARTH_RADIUS_M
    bearing = math.radians(bearing_deg)
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1),
        math.cos(angular) - math.sin(lat1) * math.sin(lat2),
    )
    return (math.degrees(lon2) + 540) % 360 - 180, math.degrees(lat2)


def view_cone(location: Point, heading: float | None, fov: float, range_m: float) -> Polygon | None:
    """The cone (or circle, for 360° cameras) a camera sees; None when its direction is unknown."""
    lon, lat = location.x, location.y
    if fov >= 360:
        steps = int(360 / ARC_STEP_DEGREES)
        ring = [destination(lon, lat, i * ARC_STEP_DEGREES, range_m) for i in range(steps)]
        ring.append(ring[0])
        return Polygon(ring, srid=4326)
    if heading is None:
        return None
    steps = max(2, math.ceil(fov / ARC_STEP_DEGREES))
    start = heading - fov / 2
    arc = [destination(lon, lat, start + fov * i / steps, range_m) for i in range(steps + 1)]
    return Polygon([(lon, lat), *arc, (lon, lat)], srid=4326)


def angle_between(bearing: float, heading: float) -> float:
    """Smallest angle in degrees between two directions (0-180), across the 0°/360° wrap."""
    return abs((bearing - heading + 180) % 360 - 180)


# SQL expression over columns distance_m, bearing (camera → point, degrees) and the camera row `c`:
# TRUE when the point is within range and inside the cone; NULL when the direction is unknown.
SEES_POINT_SQL = f"""
CASE
  WHEN d.distance_m > c.range_m THEN FALSE
  WHEN c.fov >= 360 OR d.distance_m < 0.5 THEN TRUE
  WHEN c.heading IS NULL THEN NULL
  ELSE abs(d.bearing - c.heading - 360 * floor((d.bearing - c.heading + 180) / 360))
       <= c.fov / 2 + {EDGE_EPSILON_DEGREES}
END
"""
