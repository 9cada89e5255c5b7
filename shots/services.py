"""Writes for shots-fired detections: upsert, the linked high-priority incident, the live alert."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alerts import services as alert_services
from alerts.choices import AlertType
from incidents import selectors as incident_selectors
from incidents import services as incident_services
from incidents.choices import IncidentStatus, Priority
from rtcc.geo import locate
from shots.choices import DetectionType, ReviewStatus
from shots.events import publish_shots_changed
from shots.models import ShotsFired

INCIDENT_CALL_TYPE = "SHOTS FIRED (SENSOR)"
NOT_GUNFIRE_DISPOSITION = "Not gunfire (sensor review)"
FIELD_FROM_RECORD = {
    "detected_at": "detected_at",
    "rounds": "rounds",
    "type": "detection_type",
    "confidence": "confidence",
    "review_status": "review_status",
    "address": "address",
    "district": "district",
}


def shots_upsert(*, source: str, items: list[dict[str, Any]]) -> tuple[list[ShotsFired], list[ShotsFired]]:
    """Insert new detections, merge reviews into known ones; keep incidents and alerts in step.

    Runs inside the caller's transaction; emits events only for detections that changed.
    """
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        latest[item["external_id"]] = {**latest.get(item["external_id"], {}), **item}
    if not latest:
        return [], []
    existing = {
        shot.external_id: shot
        for shot in ShotsFired.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(source=source, external_id__in=list(latest))
    }
    created: list[ShotsFired] = []
    updated: list[ShotsFired] = []
    for external_id, item in latest.items():
        fields = _fields(item)
        shot = existing.get(external_id)
        if shot is None:
            created.append(ShotsFired(source=source, external_id=external_id, **fields))
        elif _merge(shot, fields):
            updated.append(shot)
    if created:
        ShotsFired.objects.bulk_create(created)
    if updated:
        ShotsFired.objects.bulk_update(updated, [*fields_updated(), "updated_at"])
    _link_incidents(source=source, shots=created + updated)
    publish_shots_changed(created=created, updated=updated)
    for shot in created + updated:
        _alert(shot, created=shot in created)
    return created, updated


def fields_updated() -> list[str]:
    return [*FIELD_FROM_RECORD.values(), "location", "location_status"]


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    fields = {FIELD_FROM_RECORD[key]: value for key, value in item.items() if key in FIELD_FROM_RECORD}
    if "latitude" in item or "longitude" in item:
        fields["location"], fields["location_status"] = locate(item.get("latitude"), item.get("longitude"))
    return fields


def _merge(shot: ShotsFired, fields: dict[str, Any]) -> bool:
    changed = False
    for key, value in fields.items():
        if getattr(shot, key) != value:
            setattr(shot, key, value)
            changed = True
    if changed:
        shot.updated_at = timezone.now()
    return changed


def _summary(shot: ShotsFired) -> str:
    rounds = f"{shot.rounds} round{'s' if shot.rounds != 1 else ''}" if shot.rounds is not None else "rounds unknown"
    confidence = f", confidence {shot.confidence:.0%}" if shot.confidence is not None else ""
    review = "" if shot.review_status == ReviewStatus.PENDING else f", {ReviewStatus(shot.review_status).label}"
    return f"{DetectionType(shot.detection_type).label}: {rounds}{confidence}{review}"


def _link_incidents(*, source: str, shots: list[ShotsFired]) -> None:
    """Each detection has one P1 incident in the same source; a 'not gunfire' review cancels it."""
    if not shots:
        return
    items: list[Any] = []
    for shot in shots:
        item: dict[str, Any] = {
            "external_id": shot.external_id,
            "call_type": INCIDENT_CALL_TYPE,
            "priority": Priority.P1,
            "received_at": shot.detected_at,
            "location": shot.location,
            "location_status": shot.location_status,
            "address": shot.address,
            "district": shot.district,
            "narrative": _summary(shot),
        }
        current = shot.incident.status if shot.incident is not None else None
        if shot.review_status == ReviewStatus.NOT_GUNFIRE:
            item.update(status=IncidentStatus.CANCELLED, disposition=NOT_GUNFIRE_DISPOSITION)
        elif current is None or (current == IncidentStatus.CANCELLED):
            item.update(status=IncidentStatus.RECEIVED, disposition="")
        items.append(item)
    incident_services.incidents_upsert(source=source, items=items)
    ids = incident_selectors.incident_ids_by_external_id(source=source, external_ids=[s.external_id for s in shots])
    unlinked = [shot for shot in shots if shot.incident_id is None]
    for shot in unlinked:
        shot.incident_id = ids[shot.external_id]
    ShotsFired.objects.bulk_update(unlinked, ["incident"])


def _alert(shot: ShotsFired, *, created: bool) -> None:
    key = f"shots:{shot.pk}"
    if shot.review_status == ReviewStatus.NOT_GUNFIRE:
        if not created:
            alert_services.alert_resolve_for_source(
                type=AlertType.SHOTS_FIRED, source_key=key, note="Reviewed: not gunfire"
            )
        return
    alert_services.alert_raise_or_update(
        type=AlertType.SHOTS_FIRED,
        source_key=key,
        priority=Priority.P1,
        title=f"Shots fired{f' at {shot.address}' if shot.address else ''}",
        detail=_summary(shot),
        location=shot.location,
    )
    if not created:
        alert_services.alert_reopen_for_source(type=AlertType.SHOTS_FIRED, source_key=key)
