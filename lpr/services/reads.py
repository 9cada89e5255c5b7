"""Set-based read ingest: COPY into a temporary table, one INSERT … ON CONFLICT into the partitioned table, match."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from feeds.models import Feed
from lpr.events import publish_hits_raised
from lpr.models import Hit, Reader
from lpr.partitions import days_between, ensure_partitions
from lpr.services.matching import MATCH_SQL

COLUMNS = (
    "read_at",
    "feed_id",
    "reader_id",
    "external_id",
    "plate_raw",
    "plate",
    "state",
    "confidence",
    "location",
    "direction",
    "vehicle_make",
    "vehicle_model",
    "vehicle_color",
    "vehicle_type",
    "image_ref",
)
_COLUMN_LIST = ", ".join(COLUMNS)


@dataclass
class InsertOutcome:
    inserted: int = 0
    duplicates: int = 0
    hits: list[Hit] = field(default_factory=list)
    unknown_reader: list[dict[str, Any]] = field(default_factory=list)


def reads_insert_and_match(*, feed: Feed, reads: list[dict[str, Any]]) -> InsertOutcome:
    """Insert checked reads (duplicates of a feed's read id and time are ignored) and raise their hits.

    Runs in the caller's transaction (the inbox batch's), so reads, hits and hit events commit together.
    """
    outcome = InsertOutcome()
    if not reads:
        return outcome
    readers = {
        reader.external_id: reader
        for reader in Reader.objects.filter(feed=feed, external_id__in={read["reader"] for read in reads})
    }
    rows = []
    for read in reads:
        reader = readers.get(read["reader"])
        if reader is None:
            outcome.unknown_reader.append(read)
            continue
        rows.append(_row(feed, reader, read))
    if not rows:
        return outcome
    ensure_partitions({day for row in rows for day in days_between(row[0], row[0])})
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS lpr_incoming ON COMMIT DELETE ROWS AS "  # noqa: S608 (constant)
            f"SELECT {_COLUMN_LIST} FROM lpr_read WITH NO DATA"
        )
        cursor.execute("TRUNCATE lpr_incoming")
        with cursor.cursor.copy(f"COPY lpr_incoming ({_COLUMN_LIST}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"""
            WITH new_reads AS (
                INSERT INTO lpr_read ({_COLUMN_LIST})
                SELECT {_COLUMN_LIST} FROM lpr_incoming
                ON CONFLICT (feed_id, external_id, read_at) DO NOTHING
                RETURNING *
            ), hits AS ({MATCH_SQL.format(reads="new_reads", entries="")})
            SELECT (SELECT count(*) FROM new_reads), ARRAY(SELECT id FROM hits)
            """,  # noqa: S608 (constant SQL; values are bound parameters)
            {"retroactive": False},
        )
        inserted, hit_ids = cursor.fetchone()
    outcome.inserted = inserted
    outcome.duplicates = len(rows) - inserted
    if hit_ids:
        outcome.hits = list(Hit.objects.filter(pk__in=hit_ids).select_related("hotlist", "reader", "entry"))
        publish_hits_raised(hits=outcome.hits)
    return outcome


def _row(feed: Feed, reader: Reader, read: dict[str, Any]) -> tuple[Any, ...]:
    if read.get("latitude") is not None:
        location = f"SRID=4326;POINT({read['longitude']} {read['latitude']})"
    elif reader.location is not None:
        location = f"SRID=4326;POINT({reader.location.x} {reader.location.y})"
    else:
        location = None
    return (
        read["read_at"],
        feed.pk,
        reader.pk,
        read["external_id"],
        read["plate_raw"][:16],
        read["plate"],
        read["state"],
        read["confidence"],
        location,
        read.get("direction") or reader.direction,
        read.get("vehicle_make", ""),
        read.get("vehicle_model", ""),
        read.get("vehicle_color", ""),
        read.get("vehicle_type", ""),
        read.get("image_ref", ""),
    )
