"""Mutes: silence an alert type or one source for a while, with a reason and an expiry (audited, on `ops`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from alerts.choices import AlertType
from alerts.events import publish_mute_changed
from alerts.models import AlertMute
from audit.services import audit_record
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def mute_max_hours() -> float:
    return float(getattr(settings, "RTCC_ALERT_MUTE_MAX_HOURS", 12))


def alert_mute_create(
    *, user: Any, reason: str, expires_at: dt.datetime | None, type: str = "", source_key: str = ""
) -> AlertMute:
    """Mute a type or a source (exactly one) until `expires_at` (future, at most RTCC_ALERT_MUTE_MAX_HOURS ahead)."""
    if not has_capability(user, "alerts.mute"):
        raise PermissionDenied("Your role does not allow muting alerts.")
    type, source_key, reason = (type or "").strip(), (source_key or "").strip(), (reason or "").strip()
    if bool(type) == bool(source_key):
        raise InvalidInput("type: give either a type or a source_key (exactly one)")
    if type and type not in AlertType.values:
        raise InvalidInput(f"type: one of {AlertType.values}")
    if len(source_key) > 128:
        raise InvalidInput("source_key: at most 128 characters")
    if not reason:
        raise InvalidInput("reason: required")
    if len(reason) > 200:
        raise InvalidInput("reason: at most 200 characters")
    if expires_at is None:
        raise InvalidInput("expires_at: required")
    now = timezone.now()
    if expires_at <= now:
        raise InvalidInput("expires_at: must be in the future")
    if expires_at > now + dt.timedelta(hours=mute_max_hours()):
        raise InvalidInput(f"expires_at: at most {mute_max_hours():g} h ahead")
    with transaction.atomic(durable=True):
        mute = AlertMute.objects.create(
            type=type, source_key=source_key, reason=reason, expires_at=expires_at, created_by=user
        )
        audit_record(
            actor=user,
            action="alert.mute",
            object_ref=f"alert_mute:{mute.pk}",
            details={"type": type, "source_key": source_key, "reason": reason, "expires_at": expires_at.isoformat()},
        )
        publish_mute_changed(mute=mute, created=True)
    return mute


def alert_mute_end(*, user: Any, mute_id: int) -> AlertMute:
    """End a mute early: its creator or a supervisor (alerts.oversight)."""
    if not has_capability(user, "alerts.mute"):
        raise PermissionDenied("Your role does not allow muting alerts.")
    with transaction.atomic(durable=True):
        mute = AlertMute.objects.select_for_update(of=("self",)).select_related("created_by").filter(pk=mute_id).first()
        if mute is None:
            raise NotFound(f"No such mute: {mute_id}.")
        if mute.created_by_id != user.pk and not has_capability(user, "alerts.oversight"):
            raise PermissionDenied("Only the mute's creator or a supervisor may end it.")
        now = timezone.now()
        if mute.ended_at is not None or mute.expires_at <= now:
            raise Conflict(f"status: mute {mute_id} is no longer active")
        mute.ended_at, mute.ended_by = now, user
        mute.save(update_fields=["ended_at", "ended_by"])
        audit_record(actor=user, action="alert.unmute", object_ref=f"alert_mute:{mute.pk}")
        publish_mute_changed(mute=mute, created=False)
    return mute
