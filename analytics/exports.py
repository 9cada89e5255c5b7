"""Any dashboard's tables, computed for a filter, and one table as an audited, formula-safe CSV.

The pages, the JSON API and the CSV export all go through `dashboard_get` / `dashboard_tables`, so
they show the same figures for the same filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from accounts.roles import has_capability
from analytics.dashboards import Dashboard, dashboard
from analytics.filters import MetricFilter
from analytics.rollups import last_refresh
from analytics.tables import Table
from audit.services import audit_record
from rtcc.csv_export import csv_stream, formula_safe
from rtcc.errors import NotFound, PermissionDenied


def dashboard_get(key: str) -> Dashboard:
    found = dashboard(key)
    if found is None:
        raise NotFound(f"No dashboard called {key}.")
    return found


def dashboard_tables(board: Dashboard, metric_filter: MetricFilter) -> list[Table]:
    return [metric(metric_filter) for metric in board.tables]


def table_get(board: Dashboard, table_key: str, metric_filter: MetricFilter) -> Table:
    """One table of a dashboard (only the metrics up to it are computed)."""
    for metric in board.tables:
        table = metric(metric_filter)
        if table.key == table_key:
            return table
    raise NotFound(f"The {board.title} dashboard has no table called {table_key}.")


def refreshed_times() -> dict[str, dt.datetime]:
    """When each rollup was last refreshed (the "figures as of" line)."""
    return {name: run.refreshed_at for name, run in sorted(last_refresh().items())}


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return formula_safe(str(value))


def export_filename(board: Dashboard, table: Table, metric_filter: MetricFilter) -> str:
    return f"rtcc-{board.key}-{table.key}-{metric_filter.start.isoformat()}-to-{metric_filter.end.isoformat()}.csv"


def table_export(*, actor: Any, board: Dashboard, table: Table, metric_filter: MetricFilter) -> Iterator[str]:
    """Record the export in the audit trail, then return the table as CSV chunks (header = column labels)."""
    if not has_capability(actor, "metrics.read"):
        raise PermissionDenied("Your role does not allow exporting metrics.")
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action="analytics.export",
            object_ref=f"analytics:{board.key}:{table.key}",
            details={
                "dashboard": board.key,
                "table": table.key,
                "rows": len(table.rows),
                "filters": metric_filter.as_params(),
            },
        )
    keys = table.column_keys()
    rows = ([csv_cell(row.values.get(key)) for key in keys] for row in table.rows)
    return csv_stream([formula_safe(column.label) for column in table.columns], rows)
