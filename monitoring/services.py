"""Writes for electronic monitoring: store pings and run each subject's geofences in time order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone

from alerts import services as alert_services
from alerts.choices import AlertType
from monitoring.choices import ZoneKind
from monitoring.models import Ping, Subject, Zone, ZoneVisit


def pings_record(*, pings: dict[Subject, list[dict[str, Any]]]) -> int:
    """Insert pings (a repeated subject + time is ignored) and evaluate geofences for the new ones."""
    rows = [
        Ping(
            subject=subject,
            recorded_at=item["recorded_at"],
            location=Point(item["longitude"], item["latitude"], srid=4326),
            accuracy_m=item.get("accuracy_m"),
            battery_pct=item.get("battery_pct"),
        )
        for subject, items in pings.items()
        for item in items
    ]
    Ping.objects.bulk_create(rows, ignore_conflicts=True)
    for subject, items in pings.items():
        locked = Subject.objects.select_for_update().get(pk=subject.pk)
        # Geofences only move forward in time: a late ping is stored but cannot rewrite a visit.
        newer = sorted(
            (item for item in items if locked.last_ping_at is None or item["recorded_at"] > locked.last_ping_at),
            key=lambda item: item["recorded_at"],
        )
        if not newer:
            continue
        zones = list(locked.zones.all())
        for item in newer:
            point = Point(item["longitude"], item["latitude"], srid=4326)
            for zone in zones:
                geofence_step(subject=locked, zone=zone, point=point, at=item["recorded_at"])
        locked.last_ping_at = newer[-1]["recorded_at"]
        locked.save(update_fields=["last_ping_at"])
    return len(rows)


def geofence_step(*, subject: Subject, zone: Zone, point: Point, at: datetime) -> ZoneVisit | None:
    """Advance one subject's visit of one zone by one ping; alert once the dwell time is exceeded."""
    visit = ZoneVisit.objects.filter(subject=subject, zone=zone, exited_at__isnull=True).first()
    if _violating(subject=subject, zone=zone, point=point, at=at):
        if visit is None:
            return ZoneVisit.objects.create(subject=subject, zone=zone, entered_at=at, last_seen_at=at)
        visit.last_seen_at = at
        if not visit.alerted and (at - visit.entered_at).total_seconds() >= zone.dwell_seconds:
            visit.alerted = True
            _raise(subject=subject, zone=zone, visit=visit, point=point)
        visit.save(update_fields=["last_seen_at", "alerted"])
        return visit
    if visit is not None:
        visit.exited_at = at
        visit.save(update_fields=["exited_at"])
        if visit.alerted:
            alert_services.alert_resolve_for_source(
                type=AlertType.GEOFENCE,
                source_key=f"visit:{visit.pk}",
                note=f"Back in compliance at {timezone.localtime(at):%H:%M:%S}",
            )
    return visit


def _violating(*, subject: Subject, zone: Zone, point: Point, at: datetime) -> bool:
    local = timezone.localtime(at)
    if local.date() < subject.active_from or (subject.active_until and local.date() > subject.active_until):
        return False
    if zone.schedule_start and zone.schedule_end:
        start, end, now = zone.schedule_start, zone.schedule_end, local.time()
        enforced = start <= now < end if start < end else (now >= start or now < end)
        if not enforced:
            return False
    inside = zone.area.contains(point)
    return inside if zone.kind == ZoneKind.EXCLUSION else not inside


def _raise(*, subject: Subject, zone: Zone, visit: ZoneVisit, point: Point) -> None:
    where = "inside exclusion zone" if zone.kind == ZoneKind.EXCLUSION else "outside inclusion zone"
    officer = f"; officer {subject.officer_name} {subject.officer_phone}".rstrip() if subject.officer_name else ""
    since = timezone.localtime(visit.entered_at)
    alert_services.alert_raise_or_update(
        type=AlertType.GEOFENCE,
        source_key=f"visit:{visit.pk}",
        priority=2,
        title=f"{subject.reference} {where} {zone.name}",
        detail=f"Since {since:%H:%M:%S} ({subject.get_supervision_type_display()}){officer}",
        location=point,
    )
