from __future__ import annotations

from analytics.metrics import MetricFn

TABLES: list[MetricFn] = []
