"""Writes for CAP alerts: store each message, apply Update/Cancel references, raise analyst alerts."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from django.contrib.gis.geos import MultiPolygon, Polygon

from alerts import services as alert_services
from alerts.choices import AlertType
from cap.events import publish_cap_changed
from cap.models import CapAlert
from cap.parser import CapArea, CapMessage

SEVERITY_PRIORITY = {"Extreme": 1, "Severe": 2, "Moderate": 3, "Minor": 4, "Unknown": 4}
CIRCLE_SEGMENTS = 32


def cap_message_store(*, source: str, message: CapMessage, xml: str) -> CapAlert:
    """Upsert one message (same sender + identifier = same alert); runs in the caller's transaction."""
    first = message.infos[0] if message.infos else None
    fields: dict[str, Any] = {
        "sent": message.sent,
        "status": message.status,
        "msg_type": message.msg_type,
        "scope": message.scope,
        "event": first.event if first else message.msg_type,
        "headline": (first.headline if first else "")[:500],
        "severity": first.severity if first else "Unknown",
        "urgency": first.urgency if first else "Unknown",
        "certainty": first.certainty if first else "Unknown",
        "expires": first.expires if first else None,
        "area_description": "; ".join(area.description for info in message.infos[:1] for area in info.areas),
        "area": _area(message),
        "infos": [_info_json(info) for info in message.infos],
        "xml": xml,
    }
    alert, created = CapAlert.objects.update_or_create(
        source=source, sender=message.sender, identifier=message.identifier, defaults=fields
    )
    superseded = _apply_references(source=source, message=message)
    publish_cap_changed(changed=[alert, *superseded], created_ids={alert.pk} if created else set())
    if message.status == "Actual" and message.msg_type in {"Alert", "Update"}:
        alert_services.alert_raise_or_update(
            type=AlertType.CAP,
            source_key=f"cap:{alert.pk}",
            priority=SEVERITY_PRIORITY[alert.severity],
            title=f"{alert.event}: {alert.headline or alert.area_description}"[:200],
            detail=f"{alert.severity} / {alert.urgency} / {alert.certainty} · {alert.sender}",
            location=alert.area.centroid if alert.area else None,
        )
    return alert


def _apply_references(*, source: str, message: CapMessage) -> list[CapAlert]:
    if message.msg_type not in {"Update", "Cancel"}:
        return []
    state = CapAlert.State.CANCELLED if message.msg_type == "Cancel" else CapAlert.State.UPDATED
    changed = []
    for sender, identifier in message.references:
        old = CapAlert.objects.filter(source=source, sender=sender, identifier=identifier).first()
        if old is None or old.state == state:
            continue
        old.state = state
        old.save(update_fields=["state", "updated_at"])
        alert_services.alert_resolve_for_source(
            type=AlertType.CAP, source_key=f"cap:{old.pk}", note=f"{message.msg_type} {message.identifier}"
        )
        changed.append(old)
    return changed


def _area(message: CapMessage) -> MultiPolygon | None:
    polygons: list[Polygon] = []
    for info in message.infos[:1]:
        for area in info.areas:
            polygons += _polygons(area)
    return MultiPolygon(polygons, srid=4326) if polygons else None


def _polygons(area: CapArea) -> list[Polygon]:
    rings = [Polygon([(lon, lat) for lat, lon in ring], srid=4326) for ring in area.polygons]
    for lat, lon, radius_km in area.circles:
        # A circle as a 32-gon; degrees per km shrink with latitude for longitude.
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(math.cos(math.radians(lat)), 0.01))
        points = [
            (
                lon + dlon * math.cos(2 * math.pi * i / CIRCLE_SEGMENTS),
                lat + dlat * math.sin(2 * math.pi * i / CIRCLE_SEGMENTS),
            )
            for i in range(CIRCLE_SEGMENTS)
        ]
        rings.append(Polygon([*points, points[0]], srid=4326))
    polygons: list[Polygon] = []
    for ring in rings:
        # Publishers draw self-touching rings now and then; buffer(0) repairs them (maybe into several parts).
        geometry = ring if ring.valid else ring.buffer(0)
        if isinstance(geometry, Polygon):
            polygons.append(geometry)
        elif isinstance(geometry, MultiPolygon):
            polygons.extend(part for part in geometry if isinstance(part, Polygon))
    return polygons


def _info_json(info: Any) -> dict[str, Any]:
    data = asdict(info)
    data["expires"] = info.expires.isoformat() if info.expires else None
    return data
