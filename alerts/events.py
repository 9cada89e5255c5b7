"""Events the alerts app publishes: alert.raised / alert.updated on the alert's streams, mutes on `ops`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.db.models import Count

from alerts.choices import AlertType
from alerts.models import Alert, AlertMute, AlertNote
from alerts.selectors import alert_is_muted, mutes_active
from rtcc.geo import lat_lon
from rtcc.outbox import record_events


class UserRef(TypedDict):
    id: int
    username: str
    name: str


class AlertPayload(TypedDict):
    id: int
    type: str
    type_label: str
    priority: int
    title: str
    detail: str
    status: str
    disposition: str
    resolution_note: str
    source_key: str
    lat: float | None
    lon: float | None
    context: dict[str, Any]
    created_at: str
    acknowledged_at: str | None
    assigned_at: str | None
    resolved_at: str | None
    seconds_to_acknowledge: int | None
    seconds_to_resolve: int | None
    acknowledged_by: UserRef | None
    assignee: UserRef | None
    resolved_by: UserRef | None
    notes_count: int
    muted: bool


class MutePayload(TypedDict):
    id: int
    type: str
    type_label: str
    source_key: str
    reason: str
    expires_at: str
    created_at: str
    created_by: UserRef
    ended_at: str | None
    ended_by: UserRef | None


def user_ref(user: Any) -> UserRef | None:
    if user is None:
        return None
    return UserRef(id=user.pk, username=user.get_username(), name=user.get_full_name() or user.get_username())


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _seconds(start: dt.datetime, end: dt.datetime | None) -> int | None:
    return None if end is None else max(0, round((end - start).total_seconds()))


def alert_payload(alert: Alert, *, notes_count: int, muted: bool) -> AlertPayload:
    """The one shape of an alert for the panel: events, list and detail API use it alike."""
    lat, lon = lat_lon(alert.location)
    return AlertPayload(
        id=alert.pk,
        type=alert.type,
        type_label=AlertType(alert.type).label if alert.type in AlertType.values else alert.type,
        priority=alert.priority,
        title=alert.title,
        detail=alert.detail,
        status=alert.status,
        disposition=alert.disposition,
        resolution_note=alert.resolution_note,
        source_key=alert.source_key,
        lat=lat,
        lon=lon,
        context=alert.context or {},
        created_at=alert.created_at.isoformat(),
        acknowledged_at=_iso(alert.acknowledged_at),
        assigned_at=_iso(alert.assigned_at),
        resolved_at=_iso(alert.resolved_at),
        seconds_to_acknowledge=_seconds(alert.created_at, alert.acknowledged_at),
        seconds_to_resolve=_seconds(alert.created_at, alert.resolved_at),
        acknowledged_by=user_ref(alert.acknowledged_by),
        assignee=user_ref(alert.assignee),
        resolved_by=user_ref(alert.resolved_by),
        notes_count=notes_count,
        muted=muted,
    )


def alert_payloads(alerts: Sequence[Alert]) -> list[AlertPayload]:
    """Payloads for many alerts with two extra queries (note counts, active mutes), not two per alert."""
    counts = dict(
        AlertNote.objects.filter(alert__in=[a.pk for a in alerts])
        .values("alert")
        .annotate(n=Count("id"))
        .values_list("alert", "n")
    )
    mutes = mutes_active() if alerts else []
    return [alert_payload(a, notes_count=counts.get(a.pk, 0), muted=alert_is_muted(a, mutes)) for a in alerts]


def publish_alerts_changed(*, alerts: Sequence[Alert], created: bool) -> None:
    """alert.raised / alert.updated on every stream of each alert, one outbox write per stream."""
    event_type = "alert.raised" if created else "alert.updated"
    by_stream: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for alert, payload in zip(alerts, alert_payloads(alerts), strict=True):
        for stream in alert.streams:
            by_stream.setdefault(stream, []).append((event_type, dict(payload)))
    for stream, events in by_stream.items():
        record_events(stream=stream, events=events)


def publish_alert_changed(*, alert: Alert, created: bool) -> None:
    publish_alerts_changed(alerts=[alert], created=created)


def mute_payload(mute: AlertMute) -> MutePayload:
    return MutePayload(
        id=mute.pk,
        type=mute.type,
        type_label=AlertType(mute.type).label if mute.type else "",
        source_key=mute.source_key,
        reason=mute.reason,
        expires_at=mute.expires_at.isoformat(),
        created_at=mute.created_at.isoformat(),
        created_by=user_ref(mute.created_by),  # type: ignore[typeddict-item]
        ended_at=_iso(mute.ended_at),
        ended_by=user_ref(mute.ended_by),
    )


def publish_mute_changed(*, mute: AlertMute, created: bool) -> None:
    # Everyone on shift must know what is muted, so mutes go to the shared ops stream.
    event_type = "alert.mute.created" if created else "alert.mute.ended"
    record_events(stream="ops", events=[(event_type, dict(mute_payload(mute)))])
