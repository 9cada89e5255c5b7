"""Retention of plate data: purge expired reads and hits, partitions ahead, legal holds.

Policies (settings, days): RTCC_LPR_READ_RETENTION_DAYS (30) for reads, RTCC_LPR_HIT_RETENTION_DAYS
(365) for hits. A read older than its retention is still KEPT while it is under legal hold, attached
to a case (case_number) or has a hit (hits outlive plain reads; their read goes with the hit). A hit
older than its retention is kept while its read is under legal hold or attached to a case.

Reads are purged partition by partition (UTC days, lpr/partitions.py). A day entirely before the
cutoff with nothing kept is dropped whole; one that is mostly expired is rewritten (kept rows copied
out, partition dropped, re-created and refilled: the disk space really comes back); otherwise the
expired rows are deleted, as in the day that straddles the cutoff. Every run of a policy writes one
PurgeLedger row; each step adds its counts to that row in the step's own transaction, so the ledger
is exact even if a run stops half-way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from lpr.models import Hit, PurgeLedger, Read
from lpr.partitions import ensure_partitions, existing_partitions
from rtcc.errors import InvalidInput, PermissionDenied

DEFAULT_READ_RETENTION_DAYS = 30
DEFAULT_HIT_RETENTION_DAYS = 365
# Only one purge at a time (beat may fire while a slow run is still going).
_PURGE_LOCK_KEY = 0x4C50525055524745  # "LPRPURGE"
# Dropping a partition needs an exclusive lock on lpr_read; rather than queue ingest behind a long
# wait, give up after this and delete row by row instead.
LOCK_TIMEOUT_MS = 5_000
# SQL: the read (alias r) is kept past its retention.
KEPT = (
    "(r.legal_hold OR r.case_number <> '' OR EXISTS "
    "(SELECT 1 FROM lpr_hit h WHERE h.read_id = r.id AND h.read_at = r.read_at))"
)
LEGAL_HOLD_MAX_READS = 1000
# Legal holds are a supervisor's (and admin's) decision, like reading the purge ledger.
LEGAL_HOLD_CAPABILITY = "lpr.ledger"


def read_retention_days() -> int:
    return int(getattr(settings, "RTCC_LPR_READ_RETENTION_DAYS", DEFAULT_READ_RETENTION_DAYS))


def hit_retention_days() -> int:
    return int(getattr(settings, "RTCC_LPR_HIT_RETENTION_DAYS", DEFAULT_HIT_RETENTION_DAYS))


@dataclass
class PurgeOutcome:
    policy: str
    cutoff: dt.datetime
    rows_removed: int = 0
    partitions_dropped: int = 0
    skipped: bool = False


@contextmanager
def _only_one_purge() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PURGE_LOCK_KEY])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_PURGE_LOCK_KEY])


def retention_purge(*, now: dt.datetime | None = None) -> list[PurgeOutcome]:
    """The nightly purge: hits first (a read whose last hit expired can then go the same night), then reads."""
    now = now or timezone.now()
    outcomes = [hits_purge(now=now), reads_purge(now=now)]
    # One audit event per run (the system acts): what each policy removed. Audit rows themselves
    # are never purged.
    audit_record(
        actor=None,
        action="retention.purge",
        object_ref="lpr",
        details={
            outcome.policy: {
                "cutoff": outcome.cutoff.isoformat(),
                "rows_removed": outcome.rows_removed,
                "partitions_dropped": outcome.partitions_dropped,
                "skipped": outcome.skipped,
            }
            for outcome in outcomes
        },
    )
    return outcomes


def hits_purge(*, now: dt.datetime | None = None) -> PurgeOutcome:
    """Delete hits older than the hit retention, except those whose read is held or attached to a case."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=hit_retention_days())
    outcome = PurgeOutcome(policy="hits", cutoff=cutoff)
    with _only_one_purge() as acquired:
        if not acquired:
            outcome.skipped = True
            return outcome
        held_read = Read.objects.filter(id=OuterRef("read_id"), read_at=OuterRef("read_at")).filter(
            Q(legal_hold=True) | ~Q(case_number="")
        )
        with transaction.atomic(durable=True):
            expired = Hit.objects.filter(read_at__lt=cutoff).exclude(Exists(held_read))
            oldest = expired.aggregate(oldest=Min("read_at"))["oldest"]
            outcome.rows_removed, _ = expired.delete()
            PurgeLedger.objects.create(
                policy="hits",
                window_start=_day_start(oldest.astimezone(dt.UTC).date()) if oldest else None,
                window_end=cutoff,
                rows_removed=outcome.rows_removed,
            )
    return outcome


def reads_purge(*, now: dt.datetime | None = None) -> PurgeOutcome:
    """Purge reads older than the read retention that nothing keeps, dropping whole day partitions when possible."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=read_retention_days())
    outcome = PurgeOutcome(policy="reads", cutoff=cutoff)
    with _only_one_purge() as acquired:
        if not acquired:
            outcome.skipped = True
            return outcome
        with transaction.atomic(durable=True):
            ledger = PurgeLedger.objects.create(policy="reads", window_end=cutoff, rows_removed=0)
        for day, name in sorted(existing_partitions().items()):
            start = _day_start(day)
            if start >= cutoff:
                break
            removed, dropped = _purge_partition(name, start, cutoff, ledger)
            outcome.rows_removed += removed
            outcome.partitions_dropped += dropped
    return outcome


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _purge_partition(name: str, start: dt.datetime, cutoff: dt.datetime, ledger: PurgeLedger) -> tuple[int, int]:
    whole_day = start + dt.timedelta(days=1) <= cutoff
    # Cheap test first, without any lock: expired rows, or (for a whole old day) an empty partition.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {name} r WHERE r.read_at < %s AND NOT {KEPT}) "  # noqa: S608 (names come from pg_inherits)
            f"OR (%s AND NOT EXISTS (SELECT 1 FROM {name}))",
            [cutoff, whole_day],
        )
        if not cursor.fetchone()[0]:
            return 0, 0
    if whole_day:
        try:
            result = _drop_or_rewrite(name, start, ledger)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            result = None
        if result is not None:
            return result
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {name} r WHERE r.read_at < %s AND NOT {KEPT}", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
        _add_to_ledger(ledger, start, deleted, 0)
    return deleted, 0


def _drop_or_rewrite(name: str, start: dt.datetime, ledger: PurgeLedger) -> tuple[int, int] | None:
    """Under an exclusive lock on lpr_read (no hold can be set meanwhile): drop the day if nothing in it
    is kept, or rewrite it with only its kept rows when most of it expired; None: delete row by row."""
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        cursor.execute("LOCK TABLE lpr_read IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {KEPT}) FROM {name} r")  # noqa: S608
        total, kept = cursor.fetchone()
        if kept == 0:
            cursor.execute(f"DROP TABLE {name}")
            _add_to_ledger(ledger, start, total, 1)
            return total, 1
        if kept * 2 > total:
            return None
        cursor.execute(f"CREATE TEMP TABLE lpr_purge_kept AS SELECT * FROM {name} r WHERE {KEPT}")  # noqa: S608
        cursor.execute(f"DROP TABLE {name}")
        ensure_partitions([start.date()])
        cursor.execute("INSERT INTO lpr_read SELECT * FROM lpr_purge_kept")
        cursor.execute("DROP TABLE lpr_purge_kept")
        _add_to_ledger(ledger, start, total - kept, 0)
        return total - kept, 0


def _add_to_ledger(ledger: PurgeLedger, day_start: dt.datetime, rows: int, partitions: int) -> None:
    if not (rows or partitions):
        return
    # Partitions are purged oldest first: the first step that removes anything sets the window's start.
    PurgeLedger.objects.filter(pk=ledger.pk, window_start__isnull=True).update(window_start=day_start)
    PurgeLedger.objects.filter(pk=ledger.pk).update(
        rows_removed=F("rows_removed") + rows, partitions_dropped=F("partitions_dropped") + partitions
    )


def partitions_create_ahead(*, today: dt.date, days: int = 7) -> list[str]:
    """Make sure the day partitions from yesterday to `days` ahead exist (ingest never waits on DDL)."""
    return ensure_partitions(today + dt.timedelta(days=offset) for offset in range(-1, days + 1))


def reads_set_legal_hold(
    *, user: AbstractBaseUser, read_ids: list[int], hold: bool, reason: str, case_number: str | None = None
) -> int:
    """Put reads under legal hold (kept past retention) or release them; `case_number` also attaches them
    to a case ("" detaches). All ids must exist; returns how many reads changed hands."""
    if not has_capability(user, LEGAL_HOLD_CAPABILITY):
        raise PermissionDenied("Your role does not allow placing or releasing legal holds.")
    ids = sorted(set(read_ids))
    reason = reason.strip()
    if not ids or len(ids) > LEGAL_HOLD_MAX_READS:
        raise InvalidInput(f"read_ids: between 1 and {LEGAL_HOLD_MAX_READS} read ids.")
    if not reason:
        raise InvalidInput("reason: say why the hold is placed or released.")
    if case_number is not None and len(case_number.strip()) > 40:
        raise InvalidInput("case_number: at most 40 characters.")
    changes: dict[str, object] = {"legal_hold": hold}
    if case_number is not None:
        changes["case_number"] = case_number.strip()
    with transaction.atomic(durable=True):
        reads = Read.objects.filter(id__in=ids)
        found = set(reads.values_list("id", flat=True))
        missing = [read_id for read_id in ids if read_id not in found]
        if missing:
            raise InvalidInput(f"read_ids: no reads with ids {missing[:20]} (nothing was changed).")
        changed = reads.update(**changes)
        audit_record(
            actor=user,
            action="lpr.legal_hold.place" if hold else "lpr.legal_hold.release",
            object_ref=f"reads:{len(ids)}",
            case_number=changes.get("case_number", ""),  # type: ignore[arg-type]
            details={"read_ids": ids, "reason": reason, **changes},
        )
    return changed


def purge_ledger_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[PurgeLedger]:
    """The purge ledger, newest first, for roles with lpr.ledger (supervisors, admins)."""
    if not has_capability(user, "lpr.ledger"):
        return PurgeLedger.objects.none()
    return PurgeLedger.objects.order_by("-ran_at", "-id")
