"""Polygon helpers for imported boundaries: RFC 7946 ring orientation, ranges, GEOS validity.

Files written before RFC 7946 (2016), such as the Chicago beats, often wind exterior rings
clockwise. The winding carries no meaning for a planar polygon, so the importer turns rings the
RFC way round (exterior counter-clockwise, holes clockwise) and counts them, instead of refusing
the whole file as `rtcc.geojson` would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon

from rtcc.geojson import is_number, signed_area

POLYGONAL = ("Polygon", "MultiPolygon")


def _is_ring(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(isinstance(p, list) and len(p) >= 2 and is_number(p[0]) and is_number(p[1]) for p in ring)
        and ring[0] == ring[-1]
    )


def _orient_polygon(rings: Any) -> int:
    """Reverse, in place, the rings of one polygon wound against the right-hand rule; returns how many."""
    if not isinstance(rings, list):
        return 0
    turned = 0
    for index, ring in enumerate(rings):
        if not _is_ring(ring):
            continue  # left for the checker to report
        area = signed_area(ring)
        if (index == 0 and area < 0) or (index > 0 and area > 0):
            ring.reverse()
            turned += 1
    return turned


def orient_geometry(geometry: Any) -> int:
    """Turn the rings of a (Multi)Polygon geometry object to RFC 7946 orientation; returns rings turned."""
    if not isinstance(geometry, dict):
        return 0
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        return _orient_polygon(coordinates)
    if geometry.get("type") == "MultiPolygon" and isinstance(coordinates, list):
        return sum(_orient_polygon(polygon) for polygon in coordinates)
    return 0


def orient_document(document: Any) -> int:
    """Orient every polygon of a Feature, FeatureCollection or geometry; returns rings turned."""
    if not isinstance(document, dict):
        return 0
    if document.get("type") == "FeatureCollection" and isinstance(document.get("features"), list):
        return sum(orient_document(feature) for feature in document["features"])
    if document.get("type") == "Feature":
        return orient_geometry(document.get("geometry"))
    return orient_geometry(document)


def out_of_range(geometry: dict[str, Any]) -> str | None:
    """The first position outside longitude -180..180 / latitude -90..90, described; None when all fit."""

    def positions(value: Any) -> Any:
        if isinstance(value, list) and value and is_number(value[0]):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from positions(item)

    for lon, lat, *_ in positions(geometry.get("coordinates")):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return (
                f"position [{lon}, {lat}] is outside longitude -180..180 / latitude -90..90"
                " (latitude and longitude swapped?)"
            )
    return None


@dataclass(frozen=True)
class Polygonal:
    area: MultiPolygon
    repaired: bool  # GEOS found it invalid and MakeValid repaired it


def to_multipolygon(geometry: dict[str, Any]) -> Polygonal:
    """A valid, RFC-oriented MultiPolygon (SRID 4326) from a checked Polygon/MultiPolygon object.

    Invalid shapes (self-intersections, bow-ties) are repaired with GEOS MakeValid, keeping the
    polygonal part; ValueError when nothing with an area is left.
    """
    try:
        shape = GEOSGeometry(json.dumps(geometry), srid=4326)
    except (GEOSException, ValueError) as exc:
        raise ValueError(f"not a usable geometry ({exc})") from exc
    repaired = False
    if not shape.valid:
        reason = shape.valid_reason
        shape = shape.make_valid()
        repaired = True
        parts = [part for part in _flatten(shape) if isinstance(part, Polygon) and part.area > 0]
        if not parts:
            raise ValueError(f"invalid geometry ({reason}) with no area left after repair")
        shape = MultiPolygon(parts, srid=4326)
    if isinstance(shape, Polygon):
        shape = MultiPolygon(shape, srid=4326)
    if not isinstance(shape, MultiPolygon) or shape.empty:
        raise ValueError("must be a Polygon or MultiPolygon with an area")
    # MakeValid does not promise any winding: write the result the RFC 7946 way round.
    document = json.loads(shape.json)
    orient_geometry(document)
    result = GEOSGeometry(json.dumps(document), srid=4326)
    assert isinstance(result, MultiPolygon)
    return Polygonal(area=result, repaired=repaired)


def _flatten(shape: GEOSGeometry) -> list[GEOSGeometry]:
    if isinstance(shape, Polygon) or shape.geom_type in ("Point", "LineString", "LinearRing"):
        return [shape]
    return [leaf for index in range(shape.num_geom) for leaf in _flatten(shape[index])]  # type: ignore[index]
