"""Reads of the areas app: boundary layers and which beat/district contains a point."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models import GeometryField, Union
from django.contrib.gis.db.models.functions import GeoFunc
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection
from django.db.models import Count, F, FloatField, Max, QuerySet, Value

from areas.geometry import to_multipolygon
from areas.models import Beat, District

# Simplification tolerance is given in metres; the data are in degrees. One degree of latitude is
# ~111.32 km, and a degree of longitude is shorter, so the tolerance is at most this many metres.
METRES_PER_DEGREE = 111_320.0
MAX_SIMPLIFY_M = 1000.0


class SimplifyPreserveTopology(GeoFunc):
    function = "ST_SimplifyPreserveTopology"
    geom_param_pos = (0,)


def with_shape(queryset: QuerySet[Beat] | QuerySet[District], simplify_m: float | None) -> QuerySet:  # type: ignore[type-arg]
    """Annotate `shape`: the area, simplified by about `simplify_m` metres when given."""
    if not simplify_m:
        return queryset.annotate(shape=F("area"))
    tolerance = Value(simplify_m / METRES_PER_DEGREE, output_field=FloatField())
    return queryset.annotate(shape=SimplifyPreserveTopology("area", tolerance, output_field=GeometryField(srid=4326)))


def beat_list() -> QuerySet[Beat]:
    return Beat.objects.order_by("code")


def district_list() -> QuerySet[District]:
    return District.objects.order_by("code")


def layer_version(queryset: QuerySet[Beat] | QuerySet[District], query: str) -> str:
    """An ETag for a layer response: changes whenever an import touches the table or the query differs."""
    state = queryset.model.objects.aggregate(count=Count("id"), latest=Max("imported_at"))
    key = f"{queryset.model.__name__}:{state['count']}:{state['latest']}:{query}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class AreaMatch:
    beat: Beat | None
    district: District | None

    @property
    def beat_code(self) -> str:
        return self.beat.code if self.beat else ""

    @property
    def district_code(self) -> str:
        if self.district:
            return self.district.code
        return self.beat.district_code if self.beat else ""


def area_for_point(*, lat: float, lon: float) -> AreaMatch:
    """The beat and district containing a point (on a shared edge: the lowest code)."""
    point = Point(lon, lat, srid=4326)
    beat = Beat.objects.filter(area__intersects=point).order_by("code").first()
    district = District.objects.filter(area__intersects=point).order_by("code").first()
    if district is None and beat is not None and beat.district_code:
        district = District.objects.filter(code=beat.district_code).first()
    return AreaMatch(beat=beat, district=district)


def union_of(*, beat_codes: list[str], district_codes: list[str]) -> tuple[MultiPolygon | None, list[str]]:
    """The union (valid, RFC-oriented MultiPolygon) of the named beats and districts, and the codes not found."""
    beats = Beat.objects.filter(code__in=beat_codes)
    districts = District.objects.filter(code__in=district_codes)
    found_beats = set(beats.values_list("code", flat=True))
    found_districts = set(districts.values_list("code", flat=True))
    missing = [f"beat {c}" for c in beat_codes if c not in found_beats]
    missing += [f"district {c}" for c in district_codes if c not in found_districts]
    shapes = [q.aggregate(u=Union("area"))["u"] for q in (beats, districts) if q.exists()]
    shape: GEOSGeometry | None = None
    for part in shapes:
        shape = part if shape is None else shape.union(part)
    if shape is None:
        return None, missing
    return to_multipolygon(json.loads(shape.json)).area, missing


POINTS_SQL = """
SELECT b.code, COALESCE(d.code, b.district_code)
FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
LEFT JOIN LATERAL (
    SELECT code, district_code FROM areas_beat
    WHERE ST_Intersects(area, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) ORDER BY code LIMIT 1
) b ON true
LEFT JOIN LATERAL (
    SELECT code FROM areas_district
    WHERE ST_Intersects(area, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) ORDER BY code LIMIT 1
) d ON true
ORDER BY p.i
"""


def beat_district_for_points(points: Sequence[Point | None]) -> list[tuple[str, str]]:
    """(beat code, district code) for each point, '' where none contains it; one query per batch."""
    located = [(index, point) for index, point in enumerate(points) if point is not None]
    result = [("", "")] * len(points)
    if not located:
        return result
    with connection.cursor() as cursor:
        cursor.execute(POINTS_SQL, [[p.x for _, p in located], [p.y for _, p in located]])
        rows = cursor.fetchall()
    for (index, _), (beat, district) in zip(located, rows, strict=True):
        result[index] = (beat or "", district or "")
    return result
