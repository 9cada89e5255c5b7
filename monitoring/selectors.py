"""Reads of monitoring data: purpose-bound and audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from monitoring.models import Ping, Subject
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
