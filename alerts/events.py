"""Events the alerts app publishes on the `ops` stream."""

from __future__ import annotations

from typing import TypedDict

from alerts.models import Alert
from rtcc.geo import lat_lon
from rtcc.outbox import record_events


class AlertPayload(TypedDict):
    id: int
    type: str
    priority: int
    title: str
    detail: str
    status: str
    source_key: str
    lat: float | None
    lon: float | None
    created_at: str


def alert_payload(alert: Alert) -> AlertPayload:
    lat, lon = lat_lon(alert.location)
    return AlertPayload(
        id=alert.pk,
        type=alert.type,
        priority=alert.priority,
        title=alert.title,
        detail=alert.detail,
        status=alert.status,
        source_key=alert.source_key,
        lat=lat,
        lon=lon,
        created_at=alert.created_at.isoformat(),
    )


def publish_alert_changed(*, alert: Alert, created: bool) -> None:
    event = ("alert.raised" if created else "alert.updated", dict(alert_payload(alert)))
    for stream in alert.streams:
        record_events(stream=stream, events=[event])
