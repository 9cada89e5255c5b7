"""Writes for alerts: raised by domain services (shots, feed health…), one per source object."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.utils import timezone

from collections.abc import Sequence
from typing import Any

from alerts.choices import AlertAudience, AlertStatus, Disposition
from alerts.events import publish_alert_changed
from alerts.models import Alert


def alert_raise_or_update(
    *,
    type: str,
    source_key: str,
    priority: int,
    title: str,
    detail: str = "",
    location: Point | None = None,
    audience: str = AlertAudience.OPS,
    streams: Sequence[str] | None = None,
    context: dict[str, Any] | None = None,
) -> Alert:
    """Raise the alert for a source, or refresh its text; runs in the caller's transaction.

    `streams` (default `[audience]`) say who receives it; `context` carries extra facts for the
    panel (attached cameras, the rule that fired). Both are set when the alert is first raised.
    """
    alert, created = Alert.objects.select_for_update().get_or_create(
        type=type,
        source_key=source_key,
        defaults={
            "priority": priority,
            "title": title,
            "detail": detail,
            "location": location,
            "streams": list(streams or [audience]),
            "context": context or {},
        },
    )
    if not created:
        changed = (alert.priority, alert.title, alert.detail, alert.location) != (priority, title, detail, location)
        if not changed:
            return alert
        alert.priority, alert.title, alert.detail, alert.location = priority, title, detail, location
        alert.save(update_fields=["priority", "title", "detail", "location", "updated_at"])
    publish_alert_changed(alert=alert, created=created)
    return alert


def alert_resolve_for_source(*, type: str, source_key: str, note: str) -> Alert | None:
    """Resolve the open alert of a source (a detection reviewed as not gunfire, a feed back).

    Returns the alert when this call resolved it, None when there was nothing open.
    """
    alert = Alert.objects.select_for_update().filter(type=type, source_key=source_key).first()
    if alert is None or alert.status == AlertStatus.RESOLVED:
        return None
    alert.status, alert.disposition = AlertStatus.RESOLVED, Disposition.SYSTEM
    alert.resolution_note, alert.resolved_at = note[:200], timezone.now()
    alert.save(update_fields=["status", "disposition", "resolution_note", "resolved_at", "updated_at"])
    publish_alert_changed(alert=alert, created=False)
    return alert


def alert_reopen_for_source(*, type: str, source_key: str) -> None:
    """A resolved alert whose source is live again goes back to new (e.g. reclassified as gunfire)."""
    alert = Alert.objects.select_for_update().filter(type=type, source_key=source_key).first()
    if alert is None or alert.status != AlertStatus.RESOLVED:
        return
    alert.status, alert.disposition, alert.resolution_note, alert.resolved_at = AlertStatus.NEW, "", "", None
    alert.resolved_by = alert.assignee = alert.acknowledged_by = None
    alert.acknowledged_at = alert.assigned_at = None
    alert.save(
        update_fields=[
            "status", "disposition", "resolution_note", "resolved_at", "resolved_by", "assignee",
            "acknowledged_by", "acknowledged_at", "assigned_at", "updated_at",
        ]
    )
    publish_alert_changed(alert=alert, created=False)
