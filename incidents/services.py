"""Writes for incidents: normalise CAD data and upsert it idempotently with its events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from incidents.choices import OPEN_STATUSES, IncidentStatus
from incidents.events import publish_incidents_changed
from incidents.models import CallType, Incident
from rtcc.geo import LocationStatus, locate

# Fields a CAD update may carry; a field left out of an update keeps its stored value.
UPSERT_FIELDS = (
    "call_type",
    "final_call_type",
    "priority",
    "status",
    "received_at",
    "dispatched_at",
    "arrived_at",
    "closed_at",
    "address",
    "location",
    "location_status",
    "beat",
    "district",
    "disposition",
    "narrative",
)


class IncidentData(TypedDict, total=False):
    external_id: str
    call_type: str
    final_call_type: str
    priority: int
    status: str
    received_at: Any
    dispatched_at: Any
    arrived_at: Any
    closed_at: Any
    address: str
    location: Point | None
    location_status: str
    beat: str
    district: str
    disposition: str
    narrative: str


def call_type_priorities(*, codes: Iterable[str]) -> dict[str, int]:
    """Default priority of each known call-type code among `codes`."""
    return dict(CallType.objects.filter(code__in=set(codes)).values_list("code", "default_priority"))


def incident_data_normalise(*, data: dict[str, Any]) -> IncidentData:
    """Turn a validated CAD record into incident fields (the location checked against the service area)."""
    item: IncidentData = {key: value for key, value in data.items() if key in UPSERT_FIELDS or key == "external_id"}  # type: ignore[assignment]
    if item.get("priority") is None:
        item.pop("priority", None)
    if "latitude" in data or "longitude" in data:
        item["location"], item["location_status"] = locate(data.get("latitude"), data.get("longitude"))
    return item


def incidents_upsert(*, source: str, items: list[IncidentData]) -> tuple[list[Incident], list[Incident]]:
    """Insert new incidents and merge updates into existing ones; emits events only for real changes.

    Runs inside the caller's transaction. Records repeating a CAD number within a batch apply in
    order, exactly as if they had come in separate batches: later fields win, omitted ones stay.
    """
    latest: dict[str, IncidentData] = {}
    for item in items:
        latest[item["external_id"]] = {**latest.get(item["external_id"], {}), **item}  # type: ignore[typeddict-item]
    if not latest:
        return [], []
    existing = {
        incident.external_id: incident
        for incident in Incident.objects.select_for_update().filter(source=source, external_id__in=list(latest))
    }
    to_create: list[Incident] = []
    to_update: list[Incident] = []
    for external_id, item in latest.items():
        incident = existing.get(external_id)
        if incident is None:
            fields = {key: value for key, value in item.items() if key != "external_id"}
            fields.setdefault("location_status", LocationStatus.MISSING)
            fields.setdefault("status", IncidentStatus.RECEIVED)
            to_create.append(Incident(source=source, external_id=external_id, **fields))
        elif _merge(incident, item):
            to_update.append(incident)

    if to_create:
        # Another worker may insert the same new CAD number first: update instead of failing.
        Incident.objects.bulk_create(
            to_create,
            update_conflicts=True,
            unique_fields=["source", "external_id"],
            update_fields=[*UPSERT_FIELDS, "updated_at"],
        )
    if to_update:
        Incident.objects.bulk_update(to_update, [*UPSERT_FIELDS, "updated_at"], batch_size=500)
    publish_incidents_changed(created=to_create, updated=to_update)
    return to_create, to_update


def _merge(incident: Incident, item: IncidentData) -> bool:
    changed = False
    for key, value in item.items():
        if key == "external_id":
            continue
        if getattr(incident, key) != value:
            setattr(incident, key, value)
            changed = True
    if changed:
        incident.updated_at = timezone.now()
    return changed


def call_type_upsert(*, code: str, default_priority: int, description: str = "") -> CallType:
    """Create or change one call-type entry."""
    with transaction.atomic():
        call_type, _ = CallType.objects.update_or_create(
            code=code, defaults={"default_priority": default_priority, "description": description}
        )
    return call_type


def incidents_close_open(*, source: str, disposition: str) -> int:
    """Close every open incident of a source (e.g. calls a stopped replay or CAD never closed)."""
    with transaction.atomic(durable=True):
        open_ids = list(
            Incident.objects.filter(source=source, status__in=OPEN_STATUSES).values_list("external_id", flat=True)
        )
        now = timezone.now()
        items: list[IncidentData] = [
            {"external_id": external_id, "status": IncidentStatus.CLOSED, "closed_at": now, "disposition": disposition}
            for external_id in open_ids
        ]
        incidents_upsert(source=source, items=items)
    return len(open_ids)
