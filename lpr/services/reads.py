"""Set-based read ingest: one COPY into the partitioned table, then SQL matching of the new reads.

The common case (no read of the batch is stored yet) costs what a raw COPY costs, plus one probe of
the hotlist per distinct plate. A batch holding a read that is stored already (an agent resending
after a timeout) cannot be COPYed, since COPY has no ON CONFLICT: that COPY is rolled back to a
savepoint and the batch goes the slower way, COPY into a temporary table and one INSERT … ON CONFLICT
DO NOTHING, which skips the stored reads and matches only the new ones. See docs/lpr-performance.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.errors import UniqueViolation

from feeds.models import Feed
from lpr.events import publish_hits_raised
from lpr.models import Hit, Reader
from lpr.partitions import ensure_partitions
from lpr.plates import confusable_form
from lpr.services.hit_alerts import hits_raise_alerts
from lpr.services.matching import LISTED_FOLDED_PLATES_SQL, MATCH_NEW_READS_SQL

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
_READ_AT, _EXTERNAL_ID, _PLATE = COLUMNS.index("read_at"), COLUMNS.index("external_id"), COLUMNS.index("plate")

# The copied reads whose folded plate is on a hotlist, found again by their natural key: one unique
# index probe each (LATERAL, kept whole by OFFSET 0: the statistics of today's partition lag behind
# its rows, and a misestimate turned this into a scan of the day). The batch's first and last read
# times bound the partitions planned.
_COPIED_CANDIDATES = """(
    SELECT r.* FROM unnest(%(external_ids)s::text[], %(read_ats)s::timestamptz[]) AS k(external_id, read_at)
    CROSS JOIN LATERAL (
        SELECT * FROM lpr_read
        WHERE feed_id = %(feed)s AND external_id = k.external_id AND read_at = k.read_at
          AND read_at >= %(first)s AND read_at <= %(last)s
        OFFSET 0
    ) r
)"""

_INSERT_NEW_AND_MATCH = f"""
WITH new_reads AS (
    INSERT INTO lpr_read ({_COLUMN_LIST})
    SELECT {_COLUMN_LIST} FROM lpr_incoming
    ON CONFLICT (feed_id, external_id, read_at) DO NOTHING
    RETURNING *
), hits AS ({MATCH_NEW_READS_SQL.format(reads="new_reads")})
SELECT (SELECT count(*) FROM new_reads), ARRAY(SELECT id FROM hits)
"""  # noqa: S608 (constant SQL; values are bound parameters)


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
        reader.external_id: _ReaderDefaults.of(reader)
        for reader in Reader.objects.filter(feed=feed, external_id__in={read["reader"] for read in reads})
    }
    rows = []
    for read in reads:
        reader = readers.get(read["reader"])
        if reader is None:
            outcome.unknown_reader.append(read)
            continue
        rows.append(_row(feed.pk, reader, read))
    if not rows:
        return outcome
    ensure_partitions({row[_READ_AT].astimezone(dt.UTC).date() for row in rows})
    try:
        with transaction.atomic():  # a savepoint: a refused COPY leaves the caller's transaction usable
            _copy("lpr_read", rows)
    except UniqueViolation:
        outcome.inserted, hit_ids = _insert_new_and_match(rows)
    else:
        outcome.inserted, hit_ids = len(rows), _match_copied(feed.pk, rows)
    outcome.duplicates = len(rows) - outcome.inserted
    if hit_ids:
        outcome.hits = list(Hit.objects.filter(pk__in=hit_ids).select_related("hotlist", "reader", "entry"))
        publish_hits_raised(hits=outcome.hits)
        hits_raise_alerts(hits=outcome.hits)
    return outcome


def _copy(table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({_COLUMN_LIST}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _match_copied(feed_id: int, rows: list[tuple[Any, ...]]) -> list[int]:
    """Hits of reads just copied (all new): one look at the hotlist per distinct plate, then match the few."""
    folded = [confusable_form(row[_PLATE]) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(LISTED_FOLDED_PLATES_SQL, [sorted(set(folded))])
        listed = {plate for (plate,) in cursor.fetchall()}
        candidates = [row for row, plate in zip(rows, folded, strict=True) if plate in listed]
        if not candidates:
            return []
        cursor.execute(
            MATCH_NEW_READS_SQL.format(reads=_COPIED_CANDIDATES),
            {
                "retroactive": False,
                "match_since": match_since(),
                "feed": feed_id,
                "first": min(row[_READ_AT] for row in candidates),
                "last": max(row[_READ_AT] for row in candidates),
                "external_ids": [row[_EXTERNAL_ID] for row in candidates],
                "read_ats": [row[_READ_AT] for row in candidates],
            },
        )
        return [hit_id for (hit_id,) in cursor.fetchall()]


def _insert_new_and_match(rows: list[tuple[Any, ...]]) -> tuple[int, list[int]]:
    """(reads inserted, hit ids): the stored reads of the batch are skipped, the new ones matched."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS lpr_incoming ON COMMIT DELETE ROWS AS "  # noqa: S608 (constant)
            f"SELECT {_COLUMN_LIST} FROM lpr_read WITH NO DATA"
        )
        cursor.execute("TRUNCATE lpr_incoming")
        _copy("lpr_incoming", rows)
        cursor.execute(_INSERT_NEW_AND_MATCH, {"retroactive": False, "match_since": match_since()})
        inserted, hit_ids = cursor.fetchone()
    return inserted, hit_ids


@dataclass(frozen=True)
class _ReaderDefaults:
    """What a read takes from its reader, worked out once per batch (GEOS calls cost per row)."""

    pk: int
    location: str | None
    direction: str

    @classmethod
    def of(cls, reader: Reader) -> _ReaderDefaults:
        location = None if reader.location is None else f"SRID=4326;POINT({reader.location.x} {reader.location.y})"
        return cls(pk=reader.pk, location=location, direction=reader.direction)


def _row(feed_id: int, reader: _ReaderDefaults, read: dict[str, Any]) -> tuple[Any, ...]:
    location = reader.location
    if read.get("latitude") is not None:
        location = f"SRID=4326;POINT({read['longitude']} {read['latitude']})"
    return (
        read["read_at"],
        feed_id,
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


def match_since() -> dt.datetime:
    """Reads before this are matched by nobody: older imported reads stay history (searchable, no hits)."""
    return timezone.now() - dt.timedelta(days=settings.RTCC_LPR_RETROACTIVE_DAYS)
