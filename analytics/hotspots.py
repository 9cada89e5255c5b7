"""Hotspots: where incidents concentrate in a period — heatmap cells, counts per beat or district,
and addresses that keep calling.

- The heatmap snaps each located incident to a grid of ~150 m cells (`grid_steps`) and counts per
  cell, from the incidents themselves (so it is live). Incidents without a usable location
  (no point, or `location_status` not "ok") cannot be placed and are counted apart as `excluded`.
- The choropleth counts come from the `IncidentDaily` rollup (fast at millions of incidents), by the
  beat or district code the CAD gave each call, so they are "as of" the rollup's last refresh.
- Repeat addresses group incidents by their address, upper-cased with runs of white space
  collapsed to one space.

The call type filtered on is always the effective one (the final call type when the CAD gave
one), as in the rollup and the dashboards.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.roles import has_capability
from analytics.filters import MetricFilter, agency_zone
from analytics.models import IncidentDaily
from analytics.rollups import INCIDENTS, last_refresh
from areas.models import Beat, District
from areas.selectors import with_shape
from audit.services import audit_record
from incidents.models import CallType
from rtcc.csv_export import csv_stream, formula_safe
from rtcc.errors import InvalidInput, PermissionDenied

Level = Literal["beat", "district"]
LEVELS: tuple[Level, ...] = ("beat", "district")

CELL_METRES = 150
METRES_PER_DEGREE_LAT = 111_320.0
MAX_CELLS = 5000
SIMPLIFY_METRES = 15.0  # outlines for a city-wide map: invisible at the zooms the page uses
REPEAT_ROWS = 100
MIN_COUNT_DEFAULT, MIN_COUNT_LOWEST, MIN_COUNT_HIGHEST = 3, 2, 100

EFFECTIVE_CALL_TYPE = "COALESCE(NULLIF(i.final_call_type, ''), i.call_type)"


def parse_level(raw: Any) -> Level:
    value = str(raw or "beat")
    if value not in LEVELS:
        raise InvalidInput("level: one of beat, district.", details={"level": ["Not a choice."]})
    return value  # type: ignore[return-value]


def parse_min_count(raw: Any) -> int:
    if raw in (None, ""):
        return MIN_COUNT_DEFAULT
    try:
        value = int(str(raw))
    except ValueError:
        raise InvalidInput("min_count: a whole number.", details={"min_count": ["Enter a whole number."]}) from None
    if not MIN_COUNT_LOWEST <= value <= MIN_COUNT_HIGHEST:
        message = f"between {MIN_COUNT_LOWEST} and {MIN_COUNT_HIGHEST}."
        raise InvalidInput(f"min_count: {message}", details={"min_count": [f"Must be {message}"]})
    return value


def check_text(flt: MetricFilter) -> MetricFilter:
    """Refuse a NUL character in the text filters (PostgreSQL cannot take one in a string)."""
    if "\x00" in flt.district:
        raise InvalidInput("district: contains a NUL character.", details={"district": ["Invalid character."]})
    if any("\x00" in call_type for call_type in flt.call_types):
        raise InvalidInput("call_type: contains a NUL character.", details={"call_type": ["Invalid character."]})
    return flt


def incident_where(flt: MetricFilter) -> tuple[str, dict[str, Any]]:
    """SQL condition on `incidents_incident i`: received in the period, district, effective call type."""
    clauses = ["i.received_at >= %(since)s", "i.received_at < %(until)s"]
    params: dict[str, Any] = {"since": flt.since, "until": flt.until}
    if flt.district:
        clauses.append("i.district = %(district)s")
        params["district"] = flt.district
    if flt.call_types:
        clauses.append(f"{EFFECTIVE_CALL_TYPE} = ANY(%(call_types)s)")
        params["call_types"] = list(flt.call_types)
    return " AND ".join(clauses), params


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# --- Heatmap ---------------------------------------------------------------------------------


def grid_steps() -> tuple[float, float]:
    """Cell size in degrees (latitude, longitude): 150 m square at the latitude of the map centre."""
    lat_step = CELL_METRES / METRES_PER_DEGREE_LAT
    centre_lat = float(settings.RTCC_MAP_CENTER[0])
    return lat_step, lat_step / math.cos(math.radians(centre_lat))


@dataclass(frozen=True)
class GridCell:
    lat: float
    lon: float
    count: int


@dataclass(frozen=True)
class HeatGrid:
    cells: list[GridCell]
    cell_count: int  # cells holding at least one incident (before the cap)
    located: int  # incidents placed in a cell
    excluded: int  # incidents of the filter without a usable location
    lat_step: float
    lon_step: float

    @property
    def capped(self) -> bool:
        return self.cell_count > len(self.cells)

    @property
    def max_count(self) -> int:
        return max((cell.count for cell in self.cells), default=0)


# Each point snaps to the nearest grid node (origin 0,0), the centre of its cell: the same rounding
# as ST_SnapToGrid(location, 0, 0, lon_step, lat_step), but grouped on two integers, which is 3-5x
# faster than grouping snapped geometries at a year of incidents.
GRID_SQL = """
SELECT g.yi * %(lat_step)s::float8, g.xi * %(lon_step)s::float8, g.n, count(*) OVER (), sum(g.n) OVER ()
FROM (
    SELECT round(ST_Y(i.location) / %(lat_step)s::float8)::bigint AS yi,
           round(ST_X(i.location) / %(lon_step)s::float8)::bigint AS xi, count(*) AS n
    FROM incidents_incident i
    WHERE {where} AND i.location IS NOT NULL AND i.location_status = 'ok'
    GROUP BY 1, 2
) g
ORDER BY g.n DESC, g.yi, g.xi
LIMIT %(limit)s
"""
UNPLACED_SQL = """
SELECT count(*) FROM incidents_incident i
WHERE {where} AND (i.location IS NULL OR i.location_status <> 'ok')
"""


def hotspot_grid(flt: MetricFilter, *, limit: int = MAX_CELLS) -> HeatGrid:
    """The busiest `limit` cells of the period (most incidents first) and how many cells there were."""
    where, params = incident_where(check_text(flt))
    lat_step, lon_step = grid_steps()
    rows = _rows(GRID_SQL.format(where=where), {**params, "lat_step": lat_step, "lon_step": lon_step, "limit": limit})
    (excluded,) = _rows(UNPLACED_SQL.format(where=where), params)[0]
    return HeatGrid(
        cells=[GridCell(lat=round(lat, 6), lon=round(lon, 6), count=int(n)) for lat, lon, n, _, _ in rows],
        cell_count=int(rows[0][3]) if rows else 0,
        located=int(rows[0][4]) if rows else 0,
        excluded=int(excluded),
        lat_step=lat_step,
        lon_step=lon_step,
    )


# --- Choropleth ------------------------------------------------------------------------------


def rollup_counts(flt: MetricFilter, level: Level) -> dict[str, int]:
    """Incidents per beat (or district) code from the daily rollup; "" = calls the CAD gave no code."""
    rows = IncidentDaily.objects.filter(day__gte=flt.start, day__lte=flt.end)
    if flt.district:
        rows = rows.filter(district=flt.district)
    if flt.call_types:
        rows = rows.filter(call_type__in=flt.call_types)
    return {row[level]: int(row["n"]) for row in rows.values(level).annotate(n=Sum("incidents")).order_by(level)}


def call_type_options(flt: MetricFilter) -> list[str]:
    """Call types to offer in the filter: the configured ones and those counted in the period."""
    configured = set(CallType.objects.values_list("code", flat=True))
    counted = IncidentDaily.objects.filter(day__gte=flt.start, day__lte=flt.end).values_list("call_type", flat=True)
    return sorted(configured | set(counted.distinct()) | set(flt.call_types))


def area_shapes(flt: MetricFilter, level: Level) -> QuerySet[Any]:
    """The polygons drawn: every beat or district, only those of the district filtered on if any."""
    areas: QuerySet[Any] = Beat.objects.all() if level == "beat" else District.objects.all()
    if flt.district:
        areas = areas.filter(district_code=flt.district) if level == "beat" else areas.filter(code=flt.district)
    return with_shape(areas.order_by("code"), SIMPLIFY_METRES)


def area_name(area: Beat | District) -> str:
    if isinstance(area, District):
        return area.name or f"District {area.code}"
    return f"Beat {area.code}"


def rollup_as_of() -> dt.datetime | None:
    run = last_refresh().get(INCIDENTS)
    return run.refreshed_at if run else None


def hotspot_areas(flt: MetricFilter, level: Level) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: each area with its incidents and its share of the filter's total.

    `total` counts every incident of the filter, `outside` those whose code names no area drawn
    (no code, or a code with no imported polygon); `share` is incidents / total (0 when total is 0).
    """
    counts = rollup_counts(check_text(flt), level)
    total = sum(counts.values())
    features = []
    drawn = 0
    for area in area_shapes(flt, level):
        incidents = counts.get(area.code, 0)
        drawn += incidents
        features.append(
            {
                "type": "Feature",
                "id": area.code,
                "geometry": json.loads(area.shape.json) if area.shape is not None else None,
                "properties": {
                    "code": area.code,
                    "name": area_name(area),
                    "incidents": incidents,
                    "share": round(incidents / total, 4) if total else 0.0,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "level": level,
        "total": total,
        "outside": total - drawn,
        "max_incidents": max((f["properties"]["incidents"] for f in features), default=0),
        "as_of": rollup_as_of(),
        "features": features,
    }


# --- Repeat addresses ------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatAddress:
    address: str
    count: int
    last_received: dt.datetime
    call_types: list[str]


# Two passes: count per stored address key over the period, then the call types of the top
# addresses only (each by the (address_key, received_at) index).
REPEAT_SQL = """
WITH counted AS (
    SELECT i.address_key AS address, count(*) AS n, max(i.received_at) AS last_at
    FROM incidents_incident i
    WHERE {where} AND i.address_key <> ''
    GROUP BY 1 HAVING count(*) >= %(min_count)s
), top AS (
    SELECT address, n, last_at, count(*) OVER () AS qualifying
    FROM counted ORDER BY n DESC, last_at DESC, address LIMIT %(limit)s
)
SELECT top.address, top.n, top.last_at,
       ARRAY(SELECT DISTINCT {call_type} FROM incidents_incident i
             WHERE i.address_key = top.address AND {where} ORDER BY 1),
       top.qualifying
FROM top
ORDER BY top.n DESC, top.last_at DESC, top.address
"""


@dataclass(frozen=True)
class RepeatList:
    rows: list[RepeatAddress]
    address_count: int  # addresses at or above min_count (before the top-100 cut)
    min_count: int

    @property
    def capped(self) -> bool:
        return self.address_count > len(self.rows)


def repeat_addresses(flt: MetricFilter, *, min_count: int = MIN_COUNT_DEFAULT, limit: int = REPEAT_ROWS) -> RepeatList:
    """Addresses with at least `min_count` incidents in the period: most incidents first, then latest."""
    where, params = incident_where(check_text(flt))
    sql = REPEAT_SQL.format(where=where, call_type=EFFECTIVE_CALL_TYPE)
    rows = _rows(sql, {**params, "min_count": min_count, "limit": limit})
    return RepeatList(
        rows=[
            RepeatAddress(address=address, count=int(n), last_received=last, call_types=list(types))
            for address, n, last, types, _ in rows
        ],
        address_count=int(rows[0][4]) if rows else 0,
        min_count=min_count,
    )


REPEAT_CSV_HEADER = ("address", "incidents", "last_received", "call_types")


def repeat_addresses_export(*, actor: Any, flt: MetricFilter, min_count: int) -> Iterator[str]:
    """Record the export in the audit trail, then return the repeat-address list as formula-safe CSV."""
    if not has_capability(actor, "metrics.read"):
        raise PermissionDenied("Your role does not allow exporting metrics.")
    found = repeat_addresses(flt, min_count=min_count)
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action="analytics.export",
            object_ref="analytics:hotspots:repeat-addresses",
            details={"rows": len(found.rows), "min_count": min_count, "filters": flt.as_params()},
        )
    rows = (
        [
            formula_safe(row.address),
            str(row.count),
            timezone.localtime(row.last_received, agency_zone()).isoformat(),
            formula_safe(" | ".join(row.call_types)),
        ]
        for row in found.rows
    )
    return csv_stream(REPEAT_CSV_HEADER, rows)
