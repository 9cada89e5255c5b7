"""Checking the audit hash chain: one pass in the database, whatever the size of the trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction

from audit.models import GENESIS_HASH

# The same canonical content as the chaining trigger (migration 0003), written out again here so
# that a replaced trigger function cannot vouch for itself.
_RECOMPUTED = """encode(sha256(convert_to(prev_hash || jsonb_build_array(
    id, seq, (extract(epoch FROM at) * 1000000)::bigint, actor_id, action,
    object_ref, purpose, case_number, details
)::text, 'UTF8')), 'hex')"""

_LINKS = f"""
WITH links AS (
    SELECT seq, id, hash, prev_hash, {_RECOMPUTED} AS recomputed,
           lag(seq) OVER (ORDER BY seq) AS previous_seq,
           lag(hash) OVER (ORDER BY seq) AS previous_hash
    FROM audit_auditevent
)
SELECT seq, id, hash <> recomputed, prev_hash <> coalesce(previous_hash, %(genesis)s),
       seq <> coalesce(previous_seq, 0) + 1, coalesce(previous_seq, 0) + 1
FROM links
WHERE hash <> recomputed OR prev_hash <> coalesce(previous_hash, %(genesis)s) OR seq <> coalesce(previous_seq, 0) + 1
ORDER BY seq
LIMIT 1
"""  # noqa: S608 (constant SQL, no user input)

_HEAD = "SELECT count(*), max(seq), (SELECT hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1) FROM audit_auditevent"


@dataclass(frozen=True)
class BrokenLink:
    """The first row whose link does not hold, and why."""

    seq: int
    id: int
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def chain_verify() -> ChainReport:
    """Recompute every row's hash and link in order of seq; report the first break (or none).

    Runs in one REPEATABLE READ snapshot so rows written meanwhile do not look like a break.
    """
    outer_transaction = connection.in_atomic_block  # (a test's) keeps its own snapshot
    with transaction.atomic(), connection.cursor() as cursor:
        if not outer_transaction:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(_HEAD)
        count, head_seq, head_hash = cursor.fetchone()
        cursor.execute(_LINKS, {"genesis": GENESIS_HASH})
        row = cursor.fetchone()
    broken = None
    if row is not None:
        seq, event_id, content_changed, prev_mismatch, gap, expected_seq = row
        problems = []
        if gap:
            problems.append(f"gap in seq: expected {expected_seq}, found {seq}")
        if prev_mismatch:
            problems.append("prev-hash mismatch: prev_hash is not the hash of the row before")
        if content_changed:
            problems.append("content hash mismatch: the row was changed after it was written")
        broken = BrokenLink(seq=seq, id=event_id, problems=problems)
    return ChainReport(count=count, head_seq=head_seq or 0, head_hash=head_hash or GENESIS_HASH, broken=broken)
