"""Daily partitions of lpr_read (UTC days): created ahead by beat, on demand by ingest, dropped by retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

PREFIX = "lpr_read_p"


def partition_name(day: dt.date) -> str:
    return f"{PREFIX}{day:%Y%m%d}"


def existing_partitions() -> dict[dt.date, str]:
    """Day → partition table name of every partition of lpr_read."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'lpr_read'"
        )
        names = [row[0] for row in cursor.fetchall()]
    return {dt.datetime.strptime(name[len(PREFIX) :], "%Y%m%d").date(): name for name in names}


def ensure_partitions(days: Iterable[dt.date]) -> list[str]:
    """Create the missing day partitions; returns the names created (idempotent, safe to race)."""
    wanted = set(days)
    missing = sorted(wanted - set(existing_partitions()))
    created = []
    with connection.cursor() as cursor:
        for day in missing:
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            end = start + dt.timedelta(days=1)
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF lpr_read FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
            created.append(partition_name(day))
    return created


def days_between(first: dt.datetime, last: dt.datetime) -> list[dt.date]:
    """UTC days touched by the interval [first, last]."""
    start, end = first.astimezone(dt.UTC).date(), last.astimezone(dt.UTC).date()
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
