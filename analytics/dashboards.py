"""The dashboards: which metric tables each page shows, in order."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.metrics import MetricFn, alerts, cameras, cases, incidents, lpr, shots


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: str
    tables: tuple[MetricFn, ...]


def dashboards() -> list[Dashboard]:
    # Built on each call so the modules' TABLES lists are read as they are now.
    return [
        Dashboard("assists", "Assists and cases", (*incidents.TABLES, *cases.TABLES)),
        Dashboard("alerts", "Alerts", tuple(alerts.TABLES)),
        Dashboard("lpr", "Plate readers", tuple(lpr.TABLES)),
        Dashboard("shots", "Shots fired", tuple(shots.TABLES)),
        Dashboard("cameras", "Camera network", tuple(cameras.TABLES)),
    ]


def dashboard(key: str) -> Dashboard | None:
    return next((d for d in dashboards() if d.key == key), None)
