"""Metric functions: each takes a MetricFilter and returns an analytics.tables.Table.

One module per subject; each lists its functions, in display order, in `TABLES`.
Definitions are in docs/analytics.md (same wording as each Table's `definition`).
"""

from __future__ import annotations

from collections.abc import Callable

from analytics.filters import MetricFilter
from analytics.tables import Table

MetricFn = Callable[[MetricFilter], Table]
