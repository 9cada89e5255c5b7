"""Writes of the operations app: create and edit operations, append to their log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from areas.imports import AreaFileError, area_from_geojson
from areas.selectors import union_of
from operations.choices import LogKind
from operations.events import publish_log_appended, publish_operation_changed
from operations.models import MAX_DURATION, Operation, OperationLogEntry
from rtcc.errors import InvalidInput, NotFound, PermissionDenied

MAX_CLOCK_SKEW = timedelta(minutes=2)
MAX_AREA_KM2 = 2_000.0  # larger than any city's event footprint: a typo in a pasted polygon


def resolve_area(
    *, area_geojson: str = "", beat_codes: list[str] | None = None, district_codes: list[str] | None = None
) -> tuple[MultiPolygon, str]:
    """The operation area from pasted GeoJSON or from beat/district codes (exactly one of the two)."""
    beat_codes = [c.strip() for c in beat_codes or [] if c.strip()]
    district_codes = [c.strip() for c in district_codes or [] if c.strip()]
    codes_given = bool(beat_codes or district_codes)
    if bool(area_geojson.strip()) == codes_given:
        raise InvalidInput("area: give either GeoJSON or beat/district codes (one of the two)")
    if area_geojson.strip():
        try:
            area = area_from_geojson(area_geojson)
        except AreaFileError as exc:
            raise InvalidInput(f"area_geojson: {exc}") from exc
        label = "GeoJSON"
    else:
        union, missing = union_of(beat_codes=beat_codes, district_codes=district_codes)
        if missing or union is None:
            raise InvalidInput(f"area: not imported: {', '.join(missing)}")
        area = union
        label = ", ".join([*(f"beat {c}" for c in beat_codes), *(f"district {c}" for c in district_codes)])[:200]
    square_km = area.transform(3857, clone=True).area / 1e6
    if square_km > MAX_AREA_KM2 * 2:  # Web Mercator inflates areas ~1.9x at Milwaukee's latitude
        raise InvalidInput(f"area: {square_km:.0f} km² (Web Mercator) is too large for an operation")
    return area, label


def _check_window(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput("ends_at: must be after starts_at")
    if ends_at - starts_at > MAX_DURATION:
        raise InvalidInput(f"ends_at: an operation lasts at most {MAX_DURATION.days} days")


def _require(actor: AbstractBaseUser, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied()


def operation_create(
    *,
    actor: AbstractBaseUser,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    area: MultiPolygon,
    area_source: str = "",
    description: str = "",
) -> Operation:
    """Create an operation and tell every reader's screen."""
    _require(actor, "operations.manage")
    if not name.strip():
        raise InvalidInput("name: this field may not be blank")
    _check_window(starts_at, ends_at)
    with transaction.atomic(durable=True):
        operation = Operation.objects.create(
            name=name.strip(),
            description=description,
            area=area,
            area_source=area_source,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,  # type: ignore[misc]
        )
        publish_operation_changed(operation, created=True)
    return operation


EDITABLE = frozenset({"name", "description", "starts_at", "ends_at", "area", "area_source"})


def operation_update(*, actor: AbstractBaseUser, operation_id: int, changes: dict[str, Any]) -> Operation:
    """Change name, description, window or area; the log is kept as it is."""
    _require(actor, "operations.manage")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]}: cannot be changed")
    with transaction.atomic(durable=True):
        operation = Operation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None:
            raise NotFound(f"No operation {operation_id}.")
        for field, value in changes.items():
            setattr(operation, field, value.strip() if field == "name" else value)
        if not operation.name:
            raise InvalidInput("name: this field may not be blank")
        _check_window(operation.starts_at, operation.ends_at)
        operation.save()
        publish_operation_changed(operation, created=False)
    return operation


def log_append(
    *,
    actor: AbstractBaseUser,
    operation: Operation,
    text: str,
    kind: LogKind = LogKind.NOTE,
    at: datetime | None = None,
    incident_id: int | None = None,
    alert_id: int | None = None,
) -> OperationLogEntry:
    """Append one entry to an operation's log (never edited afterwards) and show it live."""
    _require(actor, "operations.log")
    if not text.strip():
        raise InvalidInput("text: this field may not be blank")
    now = timezone.now()
    if at is not None and at > now + MAX_CLOCK_SKEW:
        raise InvalidInput("at: cannot be in the future")
    if incident_id is not None:
        from incidents.selectors import incident_list_visible_to

        if not incident_list_visible_to(user=actor).filter(pk=incident_id).exists():
            raise InvalidInput(f"incident_id: no incident {incident_id}")
    with transaction.atomic(durable=True):
        entry = OperationLogEntry.objects.create(
            operation=operation,
            author=actor,  # type: ignore[misc]
            at=at or now,
            kind=kind,
            text=text.strip(),
            incident_id=incident_id,
            alert_id=alert_id,
        )
        publish_log_appended(entry)
    return entry
