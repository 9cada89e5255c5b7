"""Events the cameras app publishes on the `ops` stream (never contacts or credentials)."""

from __future__ import annotations

from typing import Literal, TypedDict

from cameras.choices import CameraStatus
from cameras.models import Camera
from rtcc.geo import lat_lon
from rtcc.outbox import record_events


class CameraPayload(TypedDict):
    id: int
    reference: str
    name: str
    owner_type: str
    tier: str
    status: str
    health: str
    lat: float | None
    lon: float | None
    heading: float | None
    fov: float
    range_m: float
    live_available: bool
    footage_requestable: bool
    mou_expired: bool


def camera_payload(camera: Camera) -> CameraPayload:
    lat, lon = lat_lon(camera.location)
    return CameraPayload(
        id=camera.pk,
        reference=camera.reference,
        name=camera.name,
        owner_type=camera.owner_type,
        tier=camera.tier,
        status=camera.status,
        health=camera.health,
        lat=lat,
        lon=lon,
        heading=camera.heading,
        fov=camera.fov,
        range_m=camera.range_m,
        live_available=camera.live_available(),
        footage_requestable=camera.footage_requestable(),
        mou_expired=camera.mou_expired(),
    )


def publish_camera_changed(*, cameras: list[Camera]) -> None:
    """Approved cameras are (re)drawn on every map; others are removed from it."""
    events: list[tuple[str, dict[str, object]]] = []
    for camera in cameras:
        kind: Literal["camera.updated", "camera.removed"] = (
            "camera.updated" if camera.status == CameraStatus.APPROVED else "camera.removed"
        )
        events.append((kind, dict(camera_payload(camera))))
    record_events(stream="ops", events=events)
