"""Beat tasks of the analytics app: rollup refreshes and shift reports."""

from __future__ import annotations

from celery import shared_task

from analytics.rollups import refresh_rollups


@shared_task
def refresh_recent_rollups() -> list[int]:
    return [r.rows for r in refresh_rollups()]


@shared_task
def refresh_all_rollups() -> list[int]:
    return [r.rows for r in refresh_rollups(full=True)]


@shared_task
def write_due_shift_reports() -> int:
    from analytics.shift_reports import write_due_reports

    return len(write_due_reports())
