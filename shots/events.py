"""Events the shots app publishes on the `ops` stream."""

from __future__ import annotations

from typing import TypedDict

from rtcc.geo import lat_lon
from rtcc.outbox import record_events
from shots.models import ShotsFired


class ShotsPayload(TypedDict):
    id: int
    external_id: str
    detected_at: str
    lat: float | None
    lon: float | None
    rounds: int | None
    detection_type: str
    confidence: float | None
    review_status: str
    address: str
    incident_id: int | None


def shots_payload(shot: ShotsFired) -> ShotsPayload:
    lat, lon = lat_lon(shot.location)
    return ShotsPayload(
        id=shot.pk,
        external_id=shot.external_id,
        detected_at=shot.detected_at.isoformat(),
        lat=lat,
        lon=lon,
        rounds=shot.rounds,
        detection_type=shot.detection_type,
        confidence=shot.confidence,
        review_status=shot.review_status,
        address=shot.address,
        incident_id=shot.incident_id,
    )


def publish_shots_changed(*, created: list[ShotsFired], updated: list[ShotsFired]) -> None:
    events: list[tuple[str, dict[str, object]]] = []
    events += [("shots.created", dict(shots_payload(s))) for s in created]
    events += [("shots.updated", dict(shots_payload(s))) for s in updated]
    record_events(stream="ops", events=events)
