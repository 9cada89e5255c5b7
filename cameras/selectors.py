"""Reads for the camera registry, always starting from what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import has_capability
from cameras.choices import AccessTier, CameraStatus, Health
from cameras.geometry import SEES_POINT_SQL
from cameras.models import Camera, FootageRequest
from rtcc.errors import NotFound

MAX_RADIUS_M = 5000
MAX_NEARBY = 200


def camera_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Camera]:
    """Approved cameras for every staff role; admins also see pending, rejected and retired ones."""
    if not has_capability(user, "cameras.read"):
        return Camera.objects.none()
    if has_capability(user, "cameras.manage"):
        return Camera.objects.all()
    return Camera.objects.filter(status=CameraStatus.APPROVED)


def camera_get_for_user(*, user: AbstractBaseUser | AnonymousUser, camera_id: int) -> Camera:
    camera = camera_list_visible_to(user=user).filter(pk=camera_id).first()
    if camera is None:
        raise NotFound("No such camera.")
    return camera


def camera_review_queue(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Camera]:
    """Pending registrations, oldest first (admins only)."""
    if not has_capability(user, "cameras.manage"):
        return Camera.objects.none()
    return Camera.objects.filter(status=CameraStatus.PENDING).order_by("created_at", "id")


def may_see_contacts(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_capability(user, "cameras.contacts")


@dataclass(frozen=True)
class NearbyCamera:
    camera: Camera
    distance_m: float
    bearing_from_camera: float | None
    sees_point: bool | None
    live_available: bool
    mou_expired: bool
    offline: bool


# Every camera column but the cone polygon (not needed here, and the costliest to parse).
_COLUMNS = ", ".join(
    f"c.{field.column}"
    for field in Camera._meta.concrete_fields
    if field.name != "view_cone"  # type: ignore[union-attr]
)
# Live-share cameras that see the point (usable now) first, then other cameras that see it, then
# the rest; each group by distance. A live camera that is offline or whose MOU lapsed is not "live".
NEARBY_SQL = f"""
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS pt)
SELECT {_COLUMNS}, d.distance_m AS nearby_distance, d.bearing AS nearby_bearing, s.sees AS nearby_sees,
       (c.tier = %(live)s AND (c.mou_expires_on IS NULL OR c.mou_expires_on >= %(today)s)) AS nearby_live,
       (c.mou_expires_on IS NOT NULL AND c.mou_expires_on < %(today)s) AS nearby_mou_expired,
       c.health = %(offline)s AS nearby_offline
FROM cameras_camera c
CROSS JOIN q
CROSS JOIN LATERAL (
    SELECT ST_Distance(c.location::geography, q.pt) AS distance_m,
           degrees(ST_Azimuth(c.location::geography, q.pt)) AS bearing
) d
CROSS JOIN LATERAL (SELECT {SEES_POINT_SQL} AS sees) s
WHERE c.status = %(approved)s AND ST_DWithin(c.location::geography, q.pt, %(radius)s)
ORDER BY
  (s.sees IS TRUE AND c.tier = %(live)s AND c.health <> %(offline)s
   AND (c.mou_expires_on IS NULL OR c.mou_expires_on >= %(today)s)) DESC,
  (s.sees IS TRUE) DESC,
  d.distance_m, c.id
LIMIT %(limit)s
"""  # noqa: S608 (constant SQL; every value is a bound parameter)


def cameras_nearby(
    *,
    user: AbstractBaseUser | AnonymousUser,
    lat: float,
    lon: float,
    radius_m: float,
    limit: int = 50,
    today: dt.date | None = None,
) -> list[NearbyCamera]:
    """Approved cameras within `radius_m` of a point, with distance, bearing and whether they see it."""
    if not has_capability(user, "cameras.read"):
        return []
    params: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "radius": min(radius_m, MAX_RADIUS_M),
        "limit": min(limit, MAX_NEARBY),
        "today": today or timezone.localdate(),
        "live": AccessTier.LIVE,
        "offline": Health.OFFLINE,
        "approved": CameraStatus.APPROVED,
    }
    # One query: the cameras come back as model instances with the computed columns attached.
    return [
        NearbyCamera(
            camera=camera,
            distance_m=camera.nearby_distance,  # type: ignore[attr-defined]
            bearing_from_camera=camera.nearby_bearing,  # type: ignore[attr-defined]
            sees_point=camera.nearby_sees,  # type: ignore[attr-defined]
            live_available=camera.nearby_live,  # type: ignore[attr-defined]
            mou_expired=camera.nearby_mou_expired,  # type: ignore[attr-defined]
            offline=camera.nearby_offline,  # type: ignore[attr-defined]
        )
        for camera in Camera.objects.raw(NEARBY_SQL, params)
    ]


def footage_request_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[FootageRequest]:
    if not has_capability(user, "cameras.footage"):
        return FootageRequest.objects.none()
    return FootageRequest.objects.select_related("camera", "incident", "requested_by").prefetch_related("files")
