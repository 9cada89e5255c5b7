"""Helpers shared by the metric modules: time buckets, shares, the incident rollup and filter, raw SQL."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from analytics.filters import MetricFilter, agency_zone
from analytics.models import IncidentDaily, RollupRun
from analytics.rollups import INCIDENTS

NO_DISTRICT = "(none)"
ALL = "All"

# The call type counted everywhere: the final one when the CAD reclassified the call (as the rollup).
EFFECTIVE_CALL_TYPE = "COALESCE(NULLIF(i.final_call_type, ''), i.call_type)"
LOCAL_DAY = "(i.received_at AT TIME ZONE %(tz)s)::date"


def bucket_first_day(day: dt.date, bucket: str) -> dt.date:
    """The first day of the bucket holding `day` (weeks start on Monday, as PostgreSQL's date_trunc)."""
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def buckets(flt: MetricFilter) -> list[tuple[dt.date, dt.date]]:
    """The range's buckets as (first, last) local days, clipped to the range."""
    spans = []
    first = flt.start
    while first <= flt.end:
        start = bucket_first_day(first, flt.bucket)
        if flt.bucket == "week":
            following = start + dt.timedelta(days=7)
        elif flt.bucket == "month":
            following = (start + dt.timedelta(days=32)).replace(day=1)
        else:
            following = start + dt.timedelta(days=1)
        last = min(following - dt.timedelta(days=1), flt.end)
        spans.append((first, last))
        first = last + dt.timedelta(days=1)
    return spans


def bucket_filters(flt: MetricFilter, first: dt.date, last: dt.date) -> dict[str, str]:
    """Drill filters for one bucket: `day` for a day, else `from`/`to` (inclusive local days)."""
    if flt.bucket == "day":
        return {"day": first.isoformat()}
    return {"from": first.isoformat(), "to": last.isoformat()}


def sum_by_bucket(flt: MetricFilter, per_day: dict[dt.date, int]) -> list[int]:
    """Per-day counts summed into the range's buckets (same order as `buckets`)."""
    spans = buckets(flt)
    starts = [first for first, _ in spans]
    totals = [0] * len(spans)
    for day, n in per_day.items():
        if flt.start <= day <= flt.end:
            totals[bisect.bisect_right(starts, day) - 1] += n
    return totals


def share(part: int, whole: int) -> float | None:
    """Percentage 0-100 with one decimal; None when there is nothing to divide by."""
    return round(100.0 * part / whole, 1) if whole else None


def rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), 1)


def rollup_note() -> str:
    run = RollupRun.objects.filter(name=INCIDENTS).first()
    if run is None:
        return "Incident counts from the rollup, not refreshed yet."
    at = timezone.localtime(run.refreshed_at, agency_zone())
    return f"Incident counts from the rollup refreshed at {at:%Y-%m-%d %H:%M}."


def rollup_rows(flt: MetricFilter) -> QuerySet[IncidentDaily]:
    """The rollup rows of the range, district and call types."""
    rows = IncidentDaily.objects.filter(day__gte=flt.start, day__lte=flt.end)
    if flt.district:
        rows = rows.filter(district=flt.district)
    if flt.call_types:
        rows = rows.filter(call_type__in=flt.call_types)
    return rows


def incident_where(flt: MetricFilter) -> tuple[str, dict[str, Any]]:
    """SQL condition on `incidents_incident i`: received in the range, district, effective call type."""
    clauses = ["i.received_at >= %(since)s", "i.received_at < %(until)s"]
    params: dict[str, Any] = {"since": flt.since, "until": flt.until, "tz": settings.TIME_ZONE}
    if flt.district:
        clauses.append("i.district = %(district)s")
        params["district"] = flt.district
    if flt.call_types:
        clauses.append(f"{EFFECTIVE_CALL_TYPE} = ANY(%(call_types)s)")
        params["call_types"] = list(flt.call_types)
    return " AND ".join(clauses), params


def fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def district_label(district: str) -> str:
    return district or NO_DISTRICT
