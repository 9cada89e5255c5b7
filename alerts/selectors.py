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


def _recent_alerts(since: dt.datetime) -> list[dict[str, Any]]:
    """Alerts touched in the last hour: acknowledged, assigned or raised since `since` (one query)."""
    rows = Alert.objects.filter(
        Q(acknowledged_at__gte=since) | Q(assigned_at__gte=since) | Q(created_at__gte=since)
    ).values(
        "id",
        "acknowledged_by_id",
        "acknowledged_at",
        "assignee_id",
        "assigned_at",
        "streams",
        "status",
        "created_at",
    )
    return [dict(row) for row in rows]


def _workload_row(*, user: Any, recent: list[dict[str, Any]], since: dt.datetime, threshold: int) -> WorkloadRow:
    def mine(alert: dict[str, Any]) -> bool:
        acknowledged = (
            alert["acknowledged_by_id"] == user.pk and alert["acknowledged_at"] and alert["acknowledged_at"] >= since
        )
        assigned = alert["assignee_id"] == user.pk and alert["assigned_at"] and alert["assigned_at"] >= since
        return bool(acknowledged or assigned)

    streams = set(streams_visible_to(user=user))
    handled = sum(1 for alert in recent if mine(alert))
    open_raised = sum(
        1
        for alert in recent
        if alert["created_at"] >= since and alert["status"] in OPEN_ALERT_STATUSES and streams & set(alert["streams"])
    )
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


def workload_row(*, user: Any, now: dt.datetime | None = None) -> WorkloadRow:
    """One analyst's last 60 minutes: alerts they acknowledged or took, open alerts raised on their streams."""
    since = (now or timezone.now()) - dt.timedelta(hours=1)
    return _workload_row(user=user, recent=_recent_alerts(since), since=since, threshold=overload_threshold())


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
    """Own row for an analyst; every analyst on duty for alerts.oversight (a fixed number of queries)."""
    if not has_capability(user, "alerts.oversight"):
        return [workload_row(user=user, now=now)]
    since = (now or timezone.now()) - dt.timedelta(hours=1)
    recent, threshold = _recent_alerts(since), overload_threshold()
    analysts = list(analysts_on_duty(now=now).prefetch_related("groups"))
    for analyst in analysts:  # roles from the prefetched groups: no query per analyst
        analyst._rtcc_roles = frozenset(g.name for g in analyst.groups.all() if g.name in Role.values)
    return [_workload_row(user=analyst, recent=recent, since=since, threshold=threshold) for analyst in analysts]
