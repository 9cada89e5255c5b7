"""Searching plate reads: purpose-bound, time-boxed, bounded and audited.

The page and the API both call `reads_search` / `reads_export`, so the refusal without a purpose
code or a case number, the limits and the audit row are the same for both. Every search runs over a
time window (default the last 30 days, at most 365), so PostgreSQL only opens the day partitions in
it. An exact plate uses the (plate, read_at) index; a pattern with `?` (one character) and `*` (any
run) becomes an anchored LIKE that the trigram GIN index on plate serves. The total is counted
exactly up to TOTAL_CAP and reported as "more than TOTAL_CAP" beyond (`total_capped`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.db import OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from incidents.selectors import incident_list_visible_to
from lpr.lookups import PlateLike, WithinMetres
from lpr.models import Read, Reader
from lpr.plates import PlateError, normalise_state
from lpr.search_purposes import search_purposes
from rtcc.errors import InvalidInput, PermissionDenied

User = AbstractBaseUser | AnonymousUser

CASE_NUMBER_MAX = 40
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 365
DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
# Totals are counted exactly up to this many reads; beyond, the answer is "more than TOTAL_CAP".
TOTAL_CAP = 10_000
EXPORT_MAX_ROWS = 10_000
MIN_LITERALS = 2
MAX_PLATE_POSITIONS = 10
MAX_RADIUS_M = 25_000.0
MAX_POLYGON_VERTICES = 200
MAX_POLYGON_TEXT = 20_000
# A search that scans too much is stopped rather than left to load the database.
STATEMENT_TIMEOUT_MS = 15_000
METRES_PER_DEGREE_LAT = 111_320.0
_PATTERN_STRIP = re.compile(r"[\s\-.·]")
_PATTERN_VALID = re.compile(r"^[A-Z0-9?*]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SearchParams(TypedDict, total=False):
    """What a search may filter on (all optional; at least a plate, an area or a reader)."""

    plate_pattern: str
    state: str
    since: dt.datetime | None
    until: dt.datetime | None
    lat: float | None
    lon: float | None
    radius_m: float | None
    polygon: str
    reader_id: int | None
    limit: int | None


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True)
class SearchCriteria:
    """Checked, normalised criteria; `plate_exact` or `plate_like` (or neither) is set."""

    purpose: str
    case_number: str
    since: dt.datetime
    until: dt.datetime
    plate_pattern: str = ""
    plate_exact: str = ""
    plate_like: str = ""
    state: str = ""
    circle: Circle | None = None
    polygon: Polygon | None = None
    reader_id: int | None = None
    limit: int = DEFAULT_LIMIT

    def as_json(self) -> dict[str, Any]:
        """The criteria as recorded in the audit trail and echoed to the client."""
        area: dict[str, Any] | None = None
        if self.circle is not None:
            area = {"kind": "radius", "lat": self.circle.lat, "lon": self.circle.lon, "radius_m": self.circle.radius_m}
        elif self.polygon is not None:
            area = {"kind": "polygon", "geojson": json.loads(self.polygon.geojson)}
        return {
            "plate_pattern": self.plate_pattern,
            "state": self.state,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "area": area,
            "reader_id": self.reader_id,
            "limit": self.limit,
        }


@dataclass
class SearchResult:
    criteria: SearchCriteria
    reads: list[Read]
    total: int
    total_capped: bool


# --- checking the criteria ---------------------------------------------------------------------


class _Problems:
    """Every bad field with its message; raised together so a form can show them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            field, messages = next(iter(self.errors.items()))
            raise InvalidInput(f"{field}: {messages[0]}", details=self.errors)


def search_criteria_check(
    *, purpose: str, case_number: str, now: dt.datetime | None = None, **params: Unpack[SearchParams]
) -> SearchCriteria:
    """Check and normalise search input; InvalidInput names the first bad field (purpose and case first)."""
    problems = _Problems()
    codes = [code for code, _ in search_purposes()]
    purpose = (purpose or "").strip()
    if not purpose:
        problems.add("purpose", f"every search needs a purpose code (one of {', '.join(codes)}).")
    elif purpose not in codes:
        problems.add("purpose", f"{purpose[:40]!r} is not a configured purpose code (one of {', '.join(codes)}).")
    case_number = (case_number or "").strip()
    if not case_number:
        problems.add("case_number", "every search needs the case or CAD number it is made for.")
    elif len(case_number) > CASE_NUMBER_MAX:
        problems.add("case_number", f"at most {CASE_NUMBER_MAX} characters.")
    elif _CONTROL.search(case_number):
        problems.add("case_number", "contains control characters.")

    plate_pattern, plate_exact, plate_like = _plate(params.get("plate_pattern") or "", problems)
    state = ""
    try:
        state = normalise_state(params.get("state"))
    except PlateError as exc:
        problems.add("state", str(exc))
    since, until = _window(params.get("since"), params.get("until"), now or timezone.now(), problems)
    circle, polygon = _area(params, problems)
    reader_id = params.get("reader_id")
    if reader_id is not None and not Reader.objects.filter(pk=reader_id).exists():
        problems.add("reader", f"no reader with id {reader_id}.")
    limit = params.get("limit") or DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        problems.add("limit", f"between 1 and {MAX_LIMIT}.")
    if not (plate_pattern or circle or polygon or reader_id) and "plate" not in problems.errors:
        problems.add("plate", "give a plate (or part of one), an area or a reader to search for.")
    problems.raise_if_any()
    return SearchCriteria(
        purpose=purpose,
        case_number=case_number,
        since=since,
        until=until,
        plate_pattern=plate_pattern,
        plate_exact=plate_exact,
        plate_like=plate_like,
        state=state,
        circle=circle,
        polygon=polygon,
        reader_id=reader_id,
        limit=limit,
    )


def _plate(raw: str, problems: _Problems) -> tuple[str, str, str]:
    """(normalised pattern, exact plate, LIKE pattern). `%` and `_` are refused (not plate characters),
    so the LIKE pattern never holds a wildcard the user did not mean."""
    if _CONTROL.search(raw) or len(raw) > 32:
        problems.add("plate", "is not a plate pattern.")
        return "", "", ""
    pattern = re.sub(r"\*+", "*", _PATTERN_STRIP.sub("", raw).upper())
    if not pattern:
        return "", "", ""
    if not _PATTERN_VALID.match(pattern):
        problems.add("plate", "use letters and digits, ? for one unknown character and * for any run.")
        return "", "", ""
    literals = sum(ch.isalnum() for ch in pattern)
    if literals < MIN_LITERALS:
        problems.add("plate", f"give at least {MIN_LITERALS} known letters or digits.")
        return "", "", ""
    if len(pattern.replace("*", "")) > MAX_PLATE_POSITIONS:
        problems.add("plate", f"a plate has at most {MAX_PLATE_POSITIONS} characters.")
        return "", "", ""
    if "?" not in pattern and "*" not in pattern:
        return pattern, pattern, ""
    return pattern, "", pattern.replace("?", "_").replace("*", "%")


def _window(
    since: dt.datetime | None, until: dt.datetime | None, now: dt.datetime, problems: _Problems
) -> tuple[dt.datetime, dt.datetime]:
    until = _aware(until) if until is not None else now
    since = _aware(since) if since is not None else until - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if since >= until:
        problems.add("since", "must be before until.")
    elif until - since > dt.timedelta(days=MAX_WINDOW_DAYS):
        problems.add("since", f"the time window may span at most {MAX_WINDOW_DAYS} days.")
    return since, until


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _area(params: SearchParams, problems: _Problems) -> tuple[Circle | None, Polygon | None]:
    lat, lon, radius_m = params.get("lat"), params.get("lon"), params.get("radius_m")
    polygon_text = (params.get("polygon") or "").strip()
    given = {"lat": lat, "lon": lon, "radius_m": radius_m}
    if any(value is not None for value in given.values()):
        if polygon_text:
            problems.add("polygon", "give either a radius around a point or a polygon, not both.")
            return None, None
        missing = [name for name, value in given.items() if value is None]
        if missing:
            problems.add(missing[0], "a radius search needs lat, lon and radius_m.")
            return None, None
        assert lat is not None and lon is not None and radius_m is not None
        bad = False
        for name, value, low, high in (
            ("lat", lat, -90, 90),
            ("lon", lon, -180, 180),
            ("radius_m", radius_m, 1, MAX_RADIUS_M),
        ):
            if not (math.isfinite(value) and low <= value <= high):
                problems.add(name, f"between {low:g} and {high:g}.")
                bad = True
        return (None, None) if bad else (Circle(lat=lat, lon=lon, radius_m=radius_m), None)
    if polygon_text:
        return None, _polygon(polygon_text, problems)
    return None, None


def _polygon(text: str, problems: _Problems) -> Polygon | None:
    """A GeoJSON Polygon (geometry or Feature) or WKT/EWKT polygon in WGS 84."""
    if len(text) > MAX_POLYGON_TEXT:
        problems.add("polygon", f"at most {MAX_POLYGON_TEXT} characters.")
        return None
    try:
        if text.startswith("{"):
            document = json.loads(text)
            if isinstance(document, dict) and document.get("type") == "Feature":
                document = document.get("geometry")
            geometry = GEOSGeometry(json.dumps(document))
        else:
            geometry = GEOSGeometry(text)
    except (ValueError, TypeError, GEOSException, GDALException):
        problems.add("polygon", "not a GeoJSON or WKT polygon.")
        return None
    if geometry.srid not in (None, 4326):
        problems.add("polygon", "coordinates must be WGS 84 longitude/latitude (SRID 4326).")
        return None
    geometry.srid = 4326
    if not isinstance(geometry, Polygon):
        problems.add("polygon", f"must be a Polygon, not a {geometry.geom_type}.")
        return None
    if geometry.num_coords - 1 > MAX_POLYGON_VERTICES:
        problems.add("polygon", f"at most {MAX_POLYGON_VERTICES} vertices.")
        return None
    xmin, ymin, xmax, ymax = geometry.extent
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        problems.add("polygon", "coordinates must be longitude, latitude in degrees.")
        return None
    if not geometry.valid:
        problems.add("polygon", f"is not a valid polygon ({geometry.valid_reason}).")
        return None
    return geometry


# --- running the search ------------------------------------------------------------------------


def reads_matching(criteria: SearchCriteria) -> QuerySet[Read]:
    """The reads matching checked criteria, newest first (no limit, no audit: callers add both)."""
    reads = Read.objects.filter(read_at__gte=criteria.since, read_at__lt=criteria.until)
    if criteria.plate_exact:
        reads = reads.filter(plate=criteria.plate_exact)
    elif criteria.plate_like:
        reads = reads.filter(PlateLike(F("plate"), criteria.plate_like))
    if criteria.state:
        reads = reads.filter(state=criteria.state)
    if criteria.reader_id is not None:
        reads = reads.filter(reader_id=criteria.reader_id)
    if criteria.polygon is not None:
        reads = reads.filter(location__intersects=criteria.polygon)
    if criteria.circle is not None:
        # The box lets the GiST index on location find candidates; the geography test is exact.
        reads = reads.filter(location__bboverlaps=_box_around(criteria.circle)).filter(
            WithinMetres(F("location"), criteria.circle)
        )
    return reads.order_by("-read_at", "-id")


def _box_around(circle: Circle) -> Polygon:
    margin = 1.01
    dlat = circle.radius_m / METRES_PER_DEGREE_LAT * margin
    dlon = circle.radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(circle.lat)), 0.01)) * margin
    box = Polygon.from_bbox((circle.lon - dlon, circle.lat - dlat, circle.lon + dlon, circle.lat + dlat))
    box.srid = 4326
    return box


def _require_search(user: User) -> None:
    if not has_capability(user, "lpr.search"):
        raise PermissionDenied("Your role does not allow searching plate reads.")


@contextmanager
def _bounded_transaction() -> Iterator[None]:
    """One transaction for the query and its audit row, with a statement timeout; a timeout is the
    client's to fix (narrow the search), not a server error."""
    try:
        with transaction.atomic(durable=True):
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
            yield
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise InvalidInput(
                "plate: the search took too long; give more of the plate or a shorter time window."
            ) from exc
        raise


def _count_capped(reads: QuerySet[Read], cap: int) -> tuple[int, bool]:
    counted = reads.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


def _audit_details(user: User, criteria: SearchCriteria, result_count: int, capped: bool) -> dict[str, Any]:
    # A case number that is a known CAD number is linked; unknown numbers are stored as typed
    # (flagging them is the audit review's job, not a reason to refuse an urgent search).
    incident_id = (
        incident_list_visible_to(user=user)
        .filter(external_id=criteria.case_number)
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "criteria": criteria.as_json(),
        "result_count": result_count,
        "result_count_capped": capped,
        "incident_id": incident_id,
    }


def reads_search(*, user: User, purpose: str, case_number: str, **params: Unpack[SearchParams]) -> SearchResult:
    """Search reads for a stated purpose and case; refused without them; recorded in the audit trail."""
    _require_search(user)
    criteria = search_criteria_check(purpose=purpose, case_number=case_number, **params)
    reads = reads_matching(criteria)
    with _bounded_transaction():
        found = list(reads.select_related("reader")[: criteria.limit])
        if len(found) < criteria.limit:
            total, capped = len(found), False
        else:
            total, capped = _count_capped(reads, TOTAL_CAP)
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="lpr.search",
            object_ref="lpr_read",
            purpose=criteria.purpose,
            case_number=criteria.case_number,
            details=_audit_details(user, criteria, total, capped),
        )
    return SearchResult(criteria=criteria, reads=found, total=total, total_capped=capped)


def reader_choices() -> list[tuple[int, str]]:
    """Readers for the search form's reader filter."""
    return list(Reader.objects.order_by("name").values_list("pk", "name"))
