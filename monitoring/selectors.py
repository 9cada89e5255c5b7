"""Reads of monitoring data: purpose-bound and audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from monitoring.models import Ping, Subject, Zone
from rtcc.errors import NotFound, PermissionDenied


def subject_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Subject]:
    if not has_capability(user, "monitoring.tracks"):
        return Subject.objects.none()
    return Subject.objects.all()


def subject_track_for_user(
    *, user: AbstractBaseUser | AnonymousUser, subject_id: int, hours: float, purpose: str, case_number: str
) -> dict[str, Any]:
    """A subject's pings of the last `hours`, recorded in the audit trail with purpose and case number."""
    if not has_capability(user, "monitoring.tracks"):
        raise PermissionDenied("Your role may not view monitoring tracks.")
    subject = subject_list_visible_to(user=user).filter(pk=subject_id).first()
    if subject is None:
        raise NotFound("No such subject.")
    since = timezone.now() - timedelta(hours=hours)
    with transaction.atomic():
        pings = list(Ping.objects.filter(subject=subject, recorded_at__gte=since).order_by("recorded_at")[:10_000])
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="monitoring.track.view",
            object_ref=f"subject:{subject.pk}",
            purpose=purpose,
            case_number=case_number,
            details={"hours": hours, "pings": len(pings)},
        )
    return {
        "type": "Feature",
        "id": subject.pk,
        "geometry": {"type": "LineString", "coordinates": [[p.location.x, p.location.y] for p in pings]},
        "properties": {
            "reference": subject.reference,
            "supervision_type": subject.supervision_type,
            "officer": f"{subject.officer_name} {subject.officer_phone}".strip(),
            "from": pings[0].recorded_at.isoformat() if pings else None,
            "to": pings[-1].recorded_at.isoformat() if pings else None,
            "times": [p.recorded_at.isoformat() for p in pings],
        },
    }


def subject_positions_for_user(
    *,
    user: AbstractBaseUser | AnonymousUser,
    purpose: str,
    case_number: str,
    minutes: int,
    bbox: tuple[float, float, float, float] | None = None,
) -> dict[str, Any]:
    """Latest ping of each active subject within the last `minutes` (and `bbox`), as GeoJSON.

    Where people on monitoring are right now is as sensitive as a track: the request is refused
    without the capability, and the purpose, case number and subjects shown go to the audit trail.
    """
    if not has_capability(user, "monitoring.tracks"):
        raise PermissionDenied("Your role may not view monitoring positions.")
    today = timezone.localdate()
    active = subject_list_visible_to(user=user).filter(active_from__lte=today).exclude(active_until__lt=today)
    pings = Ping.objects.filter(subject__in=active, recorded_at__gte=timezone.now() - timedelta(minutes=minutes))
    if bbox is not None:
        pings = pings.filter(location__within=Polygon.from_bbox(bbox))
    with transaction.atomic():
        latest = list(
            pings.select_related("subject").order_by("subject_id", "-recorded_at").distinct("subject_id")[:5000]
        )
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="monitoring.positions.view",
            object_ref="subjects:positions",
            purpose=purpose,
            case_number=case_number,
            details={
                "minutes": minutes,
                "bbox": list(bbox) if bbox else None,
                "subjects": [p.subject_id for p in latest],
            },
        )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": p.subject_id,
                "geometry": {"type": "Point", "coordinates": [p.location.x, p.location.y]},
                "properties": {
                    "reference": p.subject.reference,
                    "supervision_type": p.subject.supervision_type,
                    "recorded_at": p.recorded_at.isoformat(),
                    "accuracy_m": p.accuracy_m,
                },
            }
            for p in latest
        ],
    }


def zone_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Zone]:
    if not has_capability(user, "monitoring.tracks"):
        return Zone.objects.none()
    return Zone.objects.all().order_by("name", "id")
