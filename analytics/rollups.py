"""Summary tables behind the dashboards, so they stay fast at millions of incidents and reads.

Two rollups, each rebuilt set-based in one transaction (DELETE the window, INSERT … SELECT …
GROUP BY), so a reader sees either the old or the new figures, never half:

- `analytics_incidentdaily`: incidents per local day x district x beat x call type, with how many
  have a location, how many lie in an approved camera's view cone and how many a case links;
- `analytics_readdaily`: LPR reads per local day x feed x reader. Reads are purged after their
  retention period but their daily counts stay: even a full refresh recomputes only from the
  day after the latest purge's cut-off (`lpr.PurgeLedger`).

Celery beat refreshes the last `RTCC_ROLLUP_RECENT_DAYS` days every few minutes (late CAD updates
and reads land there), plus any older day whose incidents a case linked since the last refresh,
and everything once a night (camera coverage changes as cameras are approved or retired;
historic imports). `manage.py refresh_rollups [--full]` does the same by
hand. Each refresh records itself in `RollupRun`; the dashboards print that time.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from analytics.filters import agency_zone, local_today
from analytics.models import RollupRun
from lpr.models import PurgeLedger

INCIDENTS = "incidents_daily"
READS = "reads_daily"
ROLLUP_LOCK_KEY = 7_209_001  # one refresh at a time (beat may overlap a manual run)
RELINK_MARGIN = dt.timedelta(minutes=10)
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)

# The call type counted is the effective one: the final call type when the CAD reclassified the call.

INCIDENT_INSERT = """
INSERT INTO analytics_incidentdaily (day, district, beat, call_type, incidents, located, covered, assisted)
SELECT (i.received_at AT TIME ZONE %(tz)s)::date, i.district, i.beat,
       COALESCE(NULLIF(i.final_call_type, ''), i.call_type),
       count(*), count(i.location),
       count(*) FILTER (WHERE i.location IS NOT NULL AND EXISTS (
           SELECT 1 FROM cameras_camera c
           WHERE c.status = 'approved' AND c.view_cone IS NOT NULL AND ST_Intersects(c.view_cone, i.location))),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM cases_caselink l WHERE l.kind = 'incident' AND l.object_id = i.id))
FROM incidents_incident i
WHERE i.received_at >= %(since)s AND i.received_at < %(until)s
GROUP BY 1, 2, 3, 4
"""

READ_INSERT = """
INSERT INTO analytics_readdaily (day, feed_id, reader_id, reads)
SELECT (r.read_at AT TIME ZONE %(tz)s)::date, r.feed_id, COALESCE(r.reader_id, 0), count(*)
FROM lpr_read r
WHERE r.read_at >= %(since)s AND r.read_at < %(until)s
GROUP BY 1, 2, 3
"""

ROLLUPS = {
    INCIDENTS: ("analytics_incidentdaily", INCIDENT_INSERT),
    READS: ("analytics_readdaily", READ_INSERT),
}


@dataclass(frozen=True)
class RefreshResult:
    name: str
    window_start: dt.date | None
    rows: int
    duration_ms: int


def _first_unpurged_read_day() -> dt.date | None:
    """The first local day no purge has touched (the cut-off's own day was partly purged)."""
    cutoff = PurgeLedger.objects.filter(policy="reads").aggregate(last=Max("window_end"))["last"]
    if cutoff is None:
        return None
    return timezone.localtime(cutoff, agency_zone()).date() + dt.timedelta(days=1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=agency_zone())


def _relinked_days(before: dt.date) -> list[dt.date]:
    """Local days before `before` holding incidents that a case linked since the last incident refresh.

    A case often links an incident days after the call; those days are recomputed with the recent
    window so "assisted" is current without waiting for the nightly rebuild. The margin covers links
    committed while the last refresh ran.
    """
    last = RollupRun.objects.filter(name=INCIDENTS).values_list("refreshed_at", flat=True).first()
    if last is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (i.received_at AT TIME ZONE %s)::date FROM cases_caselink l "
            "JOIN incidents_incident i ON i.id = l.object_id "
            "WHERE l.kind = 'incident' AND l.added_at >= %s AND i.received_at < %s",
            [settings.TIME_ZONE, last - RELINK_MARGIN, _midnight(before)],
        )
        return sorted(day for (day,) in cursor.fetchall())


def _rebuild(cursor: Any, name: str, first: dt.date | None, last: dt.date | None = None) -> int:
    """Replace the rollup rows of days first..last (open ends: from the beginning / up to now)."""
    table, insert = ROLLUPS[name]
    clauses, params = [], []
    if first is not None:
        clauses.append("day >= %s")
        params.append(first)
    if last is not None:
        clauses.append("day <= %s")
        params.append(last)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    cursor.execute(f"DELETE FROM {table}{where}", params)  # noqa: S608 - constant table and clauses
    since = _midnight(first) if first is not None else EARLIEST
    until = _midnight(last + dt.timedelta(days=1)) if last is not None else LATEST
    cursor.execute(insert, {"tz": settings.TIME_ZONE, "since": since, "until": until})
    return max(cursor.rowcount, 0)


def _refresh_one(name: str, window_start: dt.date | None) -> RefreshResult:
    began = time.perf_counter()
    relinked = _relinked_days(window_start) if name == INCIDENTS and window_start is not None else []
    if window_start is None and name == READS:
        # Reads are purged after their retention; their daily counts are not. A full refresh
        # rebuilds only the days after the latest purge's cut-off, so older days keep their counts.
        window_start = _first_unpurged_read_day()
    with connection.cursor() as cursor:
        rows = _rebuild(cursor, name, window_start)
        for day in relinked:
            rows += _rebuild(cursor, name, day, day)
    duration_ms = int((time.perf_counter() - began) * 1000)
    RollupRun.objects.update_or_create(
        name=name,
        defaults={
            "refreshed_at": timezone.now(),
            "window_start": window_start,
            "rows": rows,
            "duration_ms": duration_ms,
        },
    )
    return RefreshResult(name=name, window_start=window_start, rows=rows, duration_ms=duration_ms)


def refresh_rollups(*, full: bool = False, names: tuple[str, ...] = (INCIDENTS, READS)) -> list[RefreshResult]:
    """Recompute the recent window (or everything with `full`) of each rollup, one transaction each."""
    window_start = None if full else local_today() - dt.timedelta(days=settings.RTCC_ROLLUP_RECENT_DAYS - 1)
    results = []
    for name in names:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
            results.append(_refresh_one(name, window_start))
    return results


def last_refresh() -> dict[str, RollupRun]:
    return {run.name: run for run in RollupRun.objects.all()}
