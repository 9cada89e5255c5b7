"""Events the incidents app publishes on the `ops` stream."""

from __future__ import annotations

from typing import Literal, TypedDict

from incidents.models import Incident
from rtcc.geo import lat_lon
from rtcc.outbox import record_events

IncidentEventType = Literal["incident.created", "incident.updated"]


class IncidentPayload(TypedDict):
    id: int
    source: str
    external_id: str
    call_type: str
    final_call_type: str
    priority: int
    status: str
    received_at: str
    address: str
    lat: float | None
    lon: float | None
    location_status: str
    district: str
    beat: str
    disposition: str


def incident_payload(incident: Incident) -> IncidentPayload:
    """The small state snapshot clients need to place and list an incident."""
    lat, lon = lat_lon(incident.location)
    return IncidentPayload(
        id=incident.pk,
        source=incident.source,
        external_id=incident.external_id,
        call_type=incident.call_type,
        final_call_type=incident.final_call_type,
        priority=incident.priority,
        status=incident.status,
        received_at=incident.received_at.isoformat(),
        address=incident.address,
        lat=lat,
        lon=lon,
        location_status=incident.location_status,
        district=incident.district,
        beat=incident.beat,
        disposition=incident.disposition,
    )


def publish_incidents_changed(*, created: list[Incident], updated: list[Incident]) -> None:
    """Record one event per changed incident in the current transaction."""
    events: list[tuple[str, dict[str, object]]] = []
    events += [("incident.created", dict(incident_payload(i))) for i in created]
    events += [("incident.updated", dict(incident_payload(i))) for i in updated]
    record_events(stream="ops", events=events)
