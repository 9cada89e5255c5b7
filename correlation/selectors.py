"""The correlation panel: what was around a spot and a moment.

Within `radius_m` of the spot and `window_min` minutes either side of `at`: cameras that can see it,
plate reads, shots-fired detections and monitored GPS subjects; and prior incidents at the same
address in the 90 days before. One query per section; each item carries its distance in metres and
its time offset in seconds (signed, relative to `at`).

Plate reads and GPS positions follow the LPR search rules (lpr/search.py): the section needs the
capability (lpr.search, monitoring.tracks) and a purpose code and case number; without them it is
withheld, with them it is written to the audit trail like a search.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Trim, Upper

from accounts.roles import has_capability
from audit.services import audit_record
from cameras.selectors import cameras_nearby
from incidents.selectors import incident_list_visible_to
from lpr.models import Read, Reader
from lpr.search import CASE_NUMBER_MAX
from lpr.search_purposes import search_purposes
from monitoring.models import Ping, Subject
from rtcc.errors import InvalidInput
from shots.selectors import shots_list_visible_to

User = AbstractBaseUser | AnonymousUser

DEFAULT_RADIUS_M = 300
MIN_RADIUS_M, MAX_RADIUS_M = 50, 2000
DEFAULT_WINDOW_MIN = 15
MIN_WINDOW_MIN, MAX_WINDOW_MIN = 1, 120
PRIOR_DAYS = 90
SAME_SPOT_M = 25
# Caps per section: a panel, not an export. The count says when a section was cut.
MAX_CAMERAS = 50
MAX_READS = 300
MAX_SHOTS = 100
MAX_SUBJECTS = 100
MAX_PRIOR = 100
METRES_PER_DEGREE_LAT = 111_320.0
WITHHELD_PURPOSE = "purpose and case number required"
WITHHELD_ROLE = "role"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")

# The point as geography (metres), and a box around the circle so the GiST index on the geometry
# column finds the candidates before the exact geodesic test.
_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"
_BOX = "ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)"

READS_SQL = f"""
SELECT r.id, r.plate, r.state, COALESCE(NULLIF(r.direction, ''), rd.direction, '') AS direction,
       r.read_at, r.reader_id, COALESCE(rd.name, '') AS reader_name, r.vehicle_make, r.vehicle_color,
       ST_Y(r.location) AS lat, ST_X(r.location) AS lon,
       ST_Distance(r.location::geography, {_POINT}) AS distance_m
FROM {Read._meta.db_table} r
LEFT JOIN {Reader._meta.db_table} rd ON rd.id = r.reader_id
WHERE r.read_at >= %(since)s AND r.read_at <= %(until)s
  AND r.location && {_BOX}
  AND ST_DWithin(r.location::geography, {_POINT}, %(radius)s)
ORDER BY r.read_at, r.id
LIMIT %(limit)s
"""  # noqa: S608 (constant SQL; every value is a bound parameter)

# Per subject, the ping nearest in time to `at` among those within R and ±T, with the closest
# approach and the number of pings in the window.
SUBJECTS_SQL = f"""
WITH near AS (
    SELECT p.subject_id, p.recorded_at, ST_Y(p.location) AS lat, ST_X(p.location) AS lon,
           ST_Distance(p.location::geography, {_POINT}) AS distance_m
    FROM {Ping._meta.db_table} p
    WHERE p.recorded_at >= %(since)s AND p.recorded_at <= %(until)s
      AND p.location && {_BOX}
      AND ST_DWithin(p.location::geography, {_POINT}, %(radius)s)
)
SELECT s.id, s.reference, s.supervision_type, n.recorded_at, n.lat, n.lon, n.distance_m,
       n.closest_m, n.pings
FROM (
    SELECT DISTINCT ON (subject_id) *,
           min(distance_m) OVER (PARTITION BY subject_id) AS closest_m,
           count(*) OVER (PARTITION BY subject_id) AS pings
    FROM near
    ORDER BY subject_id, abs(extract(epoch FROM recorded_at - %(at)s)), recorded_at
) n
JOIN {Subject._meta.db_table} s ON s.id = n.subject_id
ORDER BY n.distance_m, s.id
LIMIT %(limit)s
"""  # noqa: S608 (constant SQL; every value is a bound parameter)


def normalise_address(address: str) -> str:
    """Case- and whitespace-insensitive form of an address ("100  n Main st " == "100 N MAIN ST")."""
    return _SPACES.sub(" ", address.strip()).upper()


def check_purpose(purpose: str | None, case_number: str | None) -> tuple[str, str] | None:
    """(purpose, case number) when both are given and valid, None when neither is; InvalidInput otherwise."""
    purpose, case_number = (purpose or "").strip(), (case_number or "").strip()
    if not purpose and not case_number:
        return None
    codes = [code for code, _ in search_purposes()]
    if not purpose:
        raise InvalidInput(f"purpose: give the purpose code with the case number (one of {', '.join(codes)}).")
    if purpose not in codes:
        raise InvalidInput(f"purpose: {purpose[:40]!r} is not a configured purpose code (one of {', '.join(codes)}).")
    if not case_number:
        raise InvalidInput("case_number: give the case or CAD number with the purpose.")
    if len(case_number) > CASE_NUMBER_MAX:
        raise InvalidInput(f"case_number: at most {CASE_NUMBER_MAX} characters.")
    if _CONTROL.search(case_number):
        raise InvalidInput("case_number: contains control characters.")
    return purpose, case_number


def scene(
    *,
    user: User,
    lat: float,
    lon: float,
    at: dt.datetime,
    radius_m: float = DEFAULT_RADIUS_M,
    window_min: float = DEFAULT_WINDOW_MIN,
    purpose: str | None = None,
    case_number: str | None = None,
    exclude_incident_id: int | None = None,
    address: str = "",
) -> dict[str, Any]:
    """Every section of the panel for one spot and moment (see the module docstring)."""
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise InvalidInput(f"radius: between {MIN_RADIUS_M} and {MAX_RADIUS_M} metres.")
    if not MIN_WINDOW_MIN <= window_min <= MAX_WINDOW_MIN:
        raise InvalidInput(f"window: between {MIN_WINDOW_MIN} and {MAX_WINDOW_MIN} minutes.")
    why = check_purpose(purpose, case_number)
    # In UTC: arithmetic on a local time is wall-clock arithmetic, off by an hour across DST.
    at = at.astimezone(dt.UTC)
    window = dt.timedelta(minutes=window_min)
    params = _params(lat, lon, radius_m) | {"since": at - window, "until": at + window, "at": at}
    criteria = {
        "lat": lat,
        "lon": lon,
        "at": at.isoformat(),
        "radius_m": radius_m,
        "window_min": window_min,
        "since": params["since"].isoformat(),
        "until": params["until"].isoformat(),
    }
    return {
        "cameras": _cameras(user, lat, lon, radius_m),
        "lpr_reads": _lpr_reads(user, params, at, why, criteria),
        "shots": _shots(user, params, at),
        "gps_subjects": _gps_subjects(user, params, at, why, criteria),
        "prior_incidents": _prior_incidents(user, params, at, exclude_incident_id, address),
    }


def _params(lat: float, lon: float, radius_m: float) -> dict[str, Any]:
    margin = 1.01
    dlat = radius_m / METRES_PER_DEGREE_LAT * margin
    dlon = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01)) * margin
    return {
        "lat": lat,
        "lon": lon,
        "radius": radius_m,
        "xmin": lon - dlon,
        "ymin": lat - dlat,
        "xmax": lon + dlon,
        "ymax": lat + dlat,
    }


def _offset(moment: dt.datetime, at: dt.datetime) -> int:
    return round((moment - at).total_seconds())


def _section(items: list[dict[str, Any]], cap: int) -> dict[str, Any]:
    return {"items": items, "count": len(items), "capped": len(items) >= cap}


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cameras(user: User, lat: float, lon: float, radius_m: float) -> dict[str, Any]:
    """Every approved camera within R, the ones that see the spot first; `sees` false or null otherwise."""
    if not has_capability(user, "cameras.read"):
        return {"withheld": WITHHELD_ROLE}
    found = cameras_nearby(user=user, lat=lat, lon=lon, radius_m=radius_m, limit=MAX_CAMERAS)
    items = [
        {
            "id": item.camera.pk,
            "reference": item.camera.reference,
            "name": item.camera.name,
            "tier": item.camera.tier,
            "health": item.camera.health,
            "sees": item.sees_point,
            "live_available": item.live_available,
            "offline": item.offline,
            "mou_expired": item.mou_expired,
            "distance_m": round(item.distance_m, 1),
            "lat": item.camera.location.y,
            "lon": item.camera.location.x,
        }
        for item in found
    ]
    section = _section(items, MAX_CAMERAS)
    section["seeing"] = sum(1 for item in items if item["sees"] is True)
    return section


def _lpr_reads(
    user: User, params: dict[str, Any], at: dt.datetime, why: tuple[str, str] | None, criteria: dict[str, Any]
) -> dict[str, Any]:
    if not has_capability(user, "lpr.search"):
        return {"withheld": WITHHELD_ROLE}
    if why is None:
        return {"withheld": WITHHELD_PURPOSE}
    # The read_at bounds let PostgreSQL open only the day partitions of the window.
    with transaction.atomic():
        rows = _rows(READS_SQL, params | {"limit": MAX_READS})
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="lpr.search",
            object_ref="lpr_read",
            purpose=why[0],
            case_number=why[1],
            details={"via": "correlation", "criteria": criteria, "result_count": len(rows)},
        )
    items = [
        {
            "id": row["id"],
            "plate": row["plate"],
            "state": row["state"],
            "direction": row["direction"],
            "reader_id": row["reader_id"],
            "reader_name": row["reader_name"],
            "vehicle": " ".join(part for part in (row["vehicle_color"], row["vehicle_make"]) if part),
            "read_at": row["read_at"].isoformat(),
            "offset_s": _offset(row["read_at"], at),
            "distance_m": round(row["distance_m"], 1),
            "lat": row["lat"],
            "lon": row["lon"],
        }
        for row in rows
    ]
    return _section(items, MAX_READS)


def _near(params: dict[str, Any]) -> tuple[RawSQL, RawSQL]:
    """(within R, distance in metres) of a model's `location` column, as expressions."""
    point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    box = "ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
    corners = (params["xmin"], params["ymin"], params["xmax"], params["ymax"])
    within = RawSQL(  # noqa: S611 (constant SQL; every value is a bound parameter)
        f"(location && {box} AND ST_DWithin(location::geography, {point}, %s))",
        (*corners, params["lon"], params["lat"], params["radius"]),
        output_field=BooleanField(),
    )
    distance = RawSQL(  # noqa: S611 (constant SQL; every value is a bound parameter)
        f"ST_Distance(location::geography, {point})", (params["lon"], params["lat"]), output_field=FloatField()
    )
    return within, distance


def _shots(user: User, params: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    if not has_capability(user, "shots.read"):
        return {"withheld": WITHHELD_ROLE}
    within, distance = _near(params)
    shots = (
        shots_list_visible_to(user=user)
        .filter(detected_at__gte=params["since"], detected_at__lte=params["until"], location__isnull=False)
        .annotate(within=within, distance_m=distance)
        .filter(within=True)
        .order_by("detected_at", "id")[:MAX_SHOTS]
    )
    items = [
        {
            "id": shot.pk,
            "source": shot.source,
            "external_id": shot.external_id,
            "detection_type": shot.detection_type,
            "rounds": shot.rounds,
            "review_status": shot.review_status,
            "address": shot.address,
            "incident_id": shot.incident_id,
            "detected_at": shot.detected_at.isoformat(),
            "offset_s": _offset(shot.detected_at, at),
            "distance_m": round(shot.distance_m, 1),  # type: ignore[attr-defined]
            "lat": shot.location.y if shot.location else None,
            "lon": shot.location.x if shot.location else None,
        }
        for shot in shots
    ]
    return _section(items, MAX_SHOTS)


def _gps_subjects(
    user: User, params: dict[str, Any], at: dt.datetime, why: tuple[str, str] | None, criteria: dict[str, Any]
) -> dict[str, Any]:
    if not has_capability(user, "monitoring.tracks"):
        return {"withheld": WITHHELD_ROLE}
    if why is None:
        return {"withheld": WITHHELD_PURPOSE}
    with transaction.atomic():
        rows = _rows(SUBJECTS_SQL, params | {"limit": MAX_SUBJECTS})
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="monitoring.presence.view",
            object_ref="monitoring_ping",
            purpose=why[0],
            case_number=why[1],
            details={"via": "correlation", "criteria": criteria, "subject_ids": [row["id"] for row in rows]},
        )
    items = [
        {
            "id": row["id"],
            "reference": row["reference"],
            "supervision_type": row["supervision_type"],
            "ping_at": row["recorded_at"].isoformat(),
            "offset_s": _offset(row["recorded_at"], at),
            "distance_m": round(row["distance_m"], 1),
            "closest_m": round(row["closest_m"], 1),
            "pings": row["pings"],
            "lat": row["lat"],
            "lon": row["lon"],
        }
        for row in rows
    ]
    return _section(items, MAX_SUBJECTS)


def _prior_incidents(
    user: User, params: dict[str, Any], at: dt.datetime, exclude_id: int | None, address: str
) -> dict[str, Any]:
    """Incidents received in the 90 days before `at` at the same address or within 25 m of the spot."""
    if not has_capability(user, "incidents.read"):
        return {"withheld": WITHHELD_ROLE}
    within, distance = _near(params | _params(params["lat"], params["lon"], SAME_SPOT_M))
    same_place = Q(within=True)
    normalised = normalise_address(address)
    if normalised:
        same_place |= Q(normalised_address=normalised)
    visible = incident_list_visible_to(user=user)
    if exclude_id is not None:
        visible = visible.exclude(pk=exclude_id)
    incidents = (
        visible.filter(received_at__gte=at - dt.timedelta(days=PRIOR_DAYS), received_at__lt=at)
        .annotate(
            within=within,
            distance_m=distance,
            normalised_address=Upper(
                Func(Trim("address"), Value(r"\s+"), Value(" "), Value("g"), function="regexp_replace")
            ),
        )
        .filter(same_place)
        .order_by("-received_at", "-id")[:MAX_PRIOR]
    )
    items = []
    for incident in incidents:
        offset = _offset(incident.received_at, at)
        metres = incident.distance_m  # type: ignore[attr-defined]
        items.append(
            {
                "id": incident.pk,
                "cad_number": incident.external_id,
                "call_type": incident.final_call_type or incident.call_type,
                "priority": incident.priority,
                "status": incident.status,
                "address": incident.address,
                "received_at": incident.received_at.isoformat(),
                "offset_s": offset,
                "offset_days": round(offset / 86400, 1),
                "distance_m": None if metres is None else round(metres, 1),
                "lat": incident.location.y if incident.location else None,
                "lon": incident.location.x if incident.location else None,
            }
        )
    return _section(items, MAX_PRIOR)
