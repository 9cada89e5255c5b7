"""Reads for alerts: what a user may see, active mutes, the alerts-per-hour gauge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import Role, has_capability
from alerts.choices import OPEN_ALERT_STATUSES
from alerts.models import Alert, AlertMute
from audit.models import AuditEvent
from rtcc.errors import NotFound
from rtcc.selectors import streams_visible_to


def alert_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Alert]:
    """Alerts on at least one of the streams the user may receive."""
    if not has_capability(user, "alerts.read"):
        return Alert.objects.none()
    return Alert.objects.filter(streams__overlap=streams_visible_to(user=user))


def alert_get_for_user(*, user: AbstractBaseUser | AnonymousUser, alert_id: int) -> Alert:
    """One visible alert; missing and not-yours are the same 404."""
    alert = (
        alert_list_visible_to(user=user)
        .select_related("assignee", "acknowledged_by", "resolved_by")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise NotFound(f"No such alert: {alert_id}.")
    return alert


def mutes_active(*, now: dt.datetime | None = None) -> list[AlertMute]:
    now = now or timezone.now()
    return list(AlertMute.objects.filter(ended_at=None, expires_at__gt=now).select_related("created_by", "ended_by"))


def mute_history() -> QuerySet[AlertMute]:
    return AlertMute.objects.select_related("created_by", "ended_by").order_by("-created_at", "-id")


def alert_is_muted(alert: Alert, mutes: Sequence[AlertMute]) -> bool:
    return any((m.type and m.type == alert.type) or (m.source_key and m.source_key == alert.source_key) for m in mutes)


class WorkloadRow(TypedDict):
    user_id: int
    username: str
    name: str
    handled_last_hour: int
    open_raised_last_hour: int
    per_hour: int
    threshold: int
    overload: bool


def overload_threshold() -> int:
    # ISA-18.2: more than ~12 alarms an hour per operator is overload (the standard's 10-minute
    # "2 alarms" guideline, times six).
    return int(getattr(settings, "RTCC_ALERT_OVERLOAD_PER_HOUR", 12))


def workload_row(*, user: Any, now: dt.datetime | None = None) -> WorkloadRow:
    """One analyst's last 60 minutes: alerts they acknowledged or took, open alerts raised on their streams."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=1)
    handled = (
        Alert.objects.filter(
            Q(acknowledged_by=user, acknowledged_at__gte=since) | Q(assignee=user, assigned_at__gte=since)
        )
        .distinct()
        .count()
    )
    open_raised = Alert.objects.filter(
        streams__overlap=streams_visible_to(user=user), status__in=OPEN_ALERT_STATUSES, created_at__gte=since
    ).count()
    threshold = overload_threshold()
    per_hour = max(handled, open_raised)
    return WorkloadRow(
        user_id=user.pk,
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
        handled_last_hour=handled,
        open_raised_last_hour=open_raised,
        per_hour=per_hour,
        threshold=threshold,
        overload=per_hour > threshold,
    )


def analysts_on_duty(*, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Analysts who acted in the last 12 h (any audited action: alert work, searches, hit reviews)."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=12)
    acted = AuditEvent.objects.filter(at__gte=since).values("actor_id")
    return (
        get_user_model()
        .objects.filter(groups__name=Role.ANALYST, is_active=True, pk__in=acted)
        .distinct()
        .order_by("username")
    )


def workload_visible_to(*, user: Any, now: dt.datetime | None = None) -> list[WorkloadRow]:
    """Own row for an analyst; every analyst on duty for alerts.oversight."""
    if has_capability(user, "alerts.oversight"):
        return [workload_row(user=analyst, now=now) for analyst in analysts_on_duty(now=now)]
    return [workload_row(user=user, now=now)]
