"""Scope a correlation scene to a large-event operation: keep only what lies inside its area."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point

from operations.models import Operation


def scene_within_operation(sections: dict[str, Any], operation: Operation) -> dict[str, Any]:
    """Drop located items outside the operation's polygon; counts follow, withheld sections stay."""
    scoped: dict[str, Any] = {}
    for name, section in sections.items():
        if "items" not in section:
            scoped[name] = section
            continue
        items = [item for item in section["items"] if _inside(item, operation)]
        scoped[name] = {**section, "items": items, "count": len(items)}
    return scoped


def _inside(item: dict[str, Any], operation: Operation) -> bool:
    if item.get("lat") is None or item.get("lon") is None:
        return False
    return bool(operation.area.intersects(Point(item["lon"], item["lat"], srid=4326)))
