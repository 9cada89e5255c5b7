"""Writes for alerts: raised by domain services (shots, feed health…), one per source object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from django.contrib.gis.geos import Point
from django.utils import timezone

from alerts.choices import AlertAudience, AlertStatus, Disposition
from alerts.events import publish_alert_changed, publish_alerts_changed
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
            "status",
            "disposition",
            "resolution_note",
            "resolved_at",
            "resolved_by",
            "assignee",
            "acknowledged_by",
            "acknowledged_at",
            "assigned_at",
            "updated_at",
        ]
    )
    publish_alert_changed(alert=alert, created=False)


class AlertSpec(TypedDict):
    source_key: str
    priority: int
    title: str
    detail: str
    location: Point | None
    streams: list[str]
    context: dict[str, Any]


def alerts_raise_many(*, type: str, specs: Sequence[AlertSpec]) -> list[Alert]:
    """Raise alerts for many new sources at once (LPR hits of a batch): two queries, not one per source.

    Sources that already have an alert are left alone (a re-run of the same batch raises nothing).
    """
    keys = [spec["source_key"] for spec in specs]
    existing = set(Alert.objects.filter(type=type, source_key__in=keys).values_list("source_key", flat=True))
    fresh = [spec for spec in specs if spec["source_key"] not in existing]
    if not fresh:
        return []
    alerts = Alert.objects.bulk_create([Alert(type=type, **spec) for spec in fresh])
    publish_alerts_changed(alerts=alerts, created=True)
    return alerts


def alert_acknowledge_for_source(*, user: Any, type: str, source_key: str) -> Alert | None:
    """The source was acted on by a person (an LPR hit confirmed): acknowledge its alert if still new.

    Runs in the caller's transaction (the domain action and the alert change commit together).
    """
    alert = Alert.objects.select_for_update().filter(type=type, source_key=source_key).first()
    if alert is None or alert.status != AlertStatus.NEW:
        return None
    alert.status, alert.acknowledged_by, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, user, timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "updated_at"])
    publish_alert_changed(alert=alert, created=False)
    return alert


def alert_resolve_for_source_by(
    *, user: Any, type: str, source_key: str, disposition: str, note: str = ""
) -> Alert | None:
    """A person decided the source (an LPR hit rejected): resolve its open alert with their disposition."""
    alert = Alert.objects.select_for_update().filter(type=type, source_key=source_key).first()
    if alert is None or alert.status == AlertStatus.RESOLVED:
        return None
    alert_mark_resolved(alert=alert, user=user, disposition=disposition, note=note)
    publish_alert_changed(alert=alert, created=False)
    return alert


def alert_mark_resolved(*, alert: Alert, user: Any, disposition: str, note: str) -> None:
    """Set the resolved state on a locked alert (who, when, why); an unacknowledged one counts as seen too."""
    now = timezone.now()
    alert.status, alert.disposition, alert.resolution_note = AlertStatus.RESOLVED, disposition, note[:200]
    alert.resolved_by, alert.resolved_at = user, now
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = user, now
    alert.save(
        update_fields=[
            "status", "disposition", "resolution_note", "resolved_by", "resolved_at",
            "acknowledged_by", "acknowledged_at", "updated_at",
        ]
    )  # fmt: skip
