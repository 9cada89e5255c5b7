"""The one shape every metric returns: a titled table, with an optional chart and drill-down.

Metric functions (`analytics/metrics/*.py`) take a MetricFilter and return a `Table`. The pages,
the JSON API, the CSV export and the monthly PDF all render any `Table` the same way, so a new
metric needs no new view code. Rows are plain dicts keyed by column key; a row may carry a
`drill` dict: the record kind and filters of the drill-down list (`analytics/drill.py`) that
shows the records behind the row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnKind = Literal["text", "int", "float", "pct", "seconds", "date"]
ChartKind = Literal["bar", "line", "doughnut"]
# Record kinds a row can drill into; each has a list view and a capability in analytics/drill.py.
DrillKind = Literal["incidents", "alerts", "hits", "cases", "shots", "cameras"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Chart:
    """`x` is the column on the category axis; `series` the numeric columns drawn against it."""

    kind: ChartKind
    x: str
    series: tuple[str, ...]
    stacked: bool = False
    # Series (of `series`) drawn against a second axis on the right: counts of a different size,
    # such as hits beside reads.
    secondary: tuple[str, ...] = ()
    # A logarithmic value axis, for steps of very different sizes (a funnel from reads to arrests).
    log_scale: bool = False


@dataclass(frozen=True)
class Drill:
    """Where a row leads: the record kind and the filters (whitelisted per kind in analytics/drill.py)."""

    kind: DrillKind
    filters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    values: Mapping[str, Any]
    drill: Drill | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class Table:
    key: str  # unique across the dashboards: used in URLs (CSV export) and element ids
    title: str
    definition: str  # one sentence, the same wording as docs/analytics.md
    columns: Sequence[Column]
    rows: Sequence[Row]
    chart: Chart | None = None
    note: str = ""  # e.g. "from the rollup refreshed at 10:05"

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "definition": self.definition,
            "note": self.note,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [
                {
                    "values": {k: _jsonable(row.values.get(k)) for k in self.column_keys()},
                    "drill": {"kind": row.drill.kind, "filters": dict(row.drill.filters)} if row.drill else None,
                }
                for row in self.rows
            ],
            "chart": (
                {
                    "kind": self.chart.kind,
                    "x": self.chart.x,
                    "series": list(self.chart.series),
                    "stacked": self.chart.stacked,
                    "secondary": list(self.chart.secondary),
                    "log_scale": self.chart.log_scale,
                }
                if self.chart
                else None
            ),
        }


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
