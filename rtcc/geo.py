"""Where a reported position may be stored: inside the service area, or flagged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import models


class LocationStatus(models.TextChoices):
    OK = "ok", "Located"
    MISSING = "missing", "No coordinates given"
    OUT_OF_AREA = "out_of_area", "Outside the service area"


def locate(latitude: float | None, longitude: float | None) -> tuple[Point | None, str]:
    """A WGS 84 point inside RTCC_SERVICE_AREA, or None with the reason (0,0 counts as missing)."""
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, LocationStatus.MISSING
    min_lon, min_lat, max_lon, max_lat = settings.RTCC_SERVICE_AREA
    if not (min_lon <= longitude <= max_lon and min_lat <= latitude <= max_lat):
        return None, LocationStatus.OUT_OF_AREA
    return Point(longitude, latitude, srid=4326), LocationStatus.OK


def lat_lon(point: Point | None) -> tuple[float | None, float | None]:
    """(lat, lon) rounded to ~10 cm for event payloads, or (None, None)."""
    if point is None:
        return None, None
    return round(point.y, 6), round(point.x, 6)
