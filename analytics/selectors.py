"""Figures of the public transparency page: counts only, computed in a few aggregate queries.

Nothing here returns a plate, an address, a name or a location: only counts, labels of fixed
choices (tiers, purpose codes, policy names) and settings. The figures are cached for
FIGURES_CACHE_SECONDS so a flood of anonymous requests costs one computation per period
(docs/transparency.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from analytics.models import POLICY_KEY, TransparencyPolicy
from audit.models import AuditEvent
from cameras.choices import AccessTier, CameraStatus
from cameras.models import Camera
from lpr.choices import HitStatus, ReaderStatus
from lpr.models import Hit, PurgeLedger, Reader
from lpr.retention import hit_retention_days, read_retention_days
from lpr.search_purposes import search_purposes

WINDOW_DAYS = 30
FIGURES_CACHE_SECONDS = 300
FIGURES_CACHE_KEY = "analytics:transparency:figures:v1"
# The exact count of retained reads gives up after this and falls back to the planner's estimate.
READ_COUNT_TIMEOUT_MS = 2_000
READ_COUNT_SQL = "SELECT count(*) FROM lpr_read"
SEARCH_ACTIONS = ("lpr.search", "lpr.export")
OTHER_PURPOSE = "Other or retired purpose code"
PURGE_POLICIES = {"reads": "LPR reads (no hit)", "hits": "LPR hits"}


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True)
class SearchRow:
    label: str
    searches: int
    exports: int


@dataclass(frozen=True)
class PurgeRow:
    label: str
    runs: int
    rows_removed: int
    partitions_dropped: int
    last_run: dt.datetime | None


@dataclass(frozen=True)
class RetentionRow:
    label: str
    days: int | None
    note: str


@dataclass(frozen=True)
class TransparencyFigures:
    as_of: dt.datetime
    window_days: int
    readers_active: int
    readers_total: int
    reads_retained: int
    reads_exact: bool
    hits_total: int
    hits_reviewed: int
    hits_actionable: int
    hits_rejected: int
    searches: list[SearchRow]
    purges: list[PurgeRow]
    cameras: list[CountRow]
    cameras_total: int
    retention: list[RetentionRow]


@dataclass(frozen=True)
class PolicyText:
    title: str
    body: str
    updated_at: dt.datetime | None
    is_default: bool


DEFAULT_POLICY_TITLE = "Usage and privacy policy"
DEFAULT_POLICY_BODY = """\
{agency} operates automated license plate readers (ALPR) and a camera registry to help find stolen \
vehicles, wanted and missing persons, and to investigate serious crimes.

Who may use the system: only trained, authorised staff, each with their own account and a second \
sign-in factor. Every search of plate data must state a purpose and a case number; every search and \
every view of a record is written to an audit trail that cannot be altered.

What is kept and for how long: the retention periods are listed on this page. Reads that match no \
hotlist are deleted automatically when their period ends, unless they are under a legal hold or \
attached to a case.

Hits: a match against a hotlist is never acted on until a person has checked the plate and the \
hotlist entry.

Sharing: plate data is not sold. It is shared with other public agencies only as the law permits \
(California Civil Code section 1798.90.55) and every such access is recorded.

Oversight: the audit trail is reviewed by supervisors and auditors; unusual search patterns are \
flagged for review.

This is the default text shipped with RTCC Ops; the agency has not yet published its own policy."""


def transparency_figures(*, now: dt.datetime | None = None, use_cache: bool = True) -> TransparencyFigures:
    """The page's figures as of now (or the cached ones, at most FIGURES_CACHE_SECONDS old)."""
    if use_cache and now is None:
        cached = cache.get(FIGURES_CACHE_KEY)
        if isinstance(cached, TransparencyFigures):
            return cached
    figures = _compute(now=now or timezone.now())
    if use_cache and now is None:
        cache.set(FIGURES_CACHE_KEY, figures, FIGURES_CACHE_SECONDS)
    return figures


def transparency_policy() -> PolicyText:
    """The published policy, or the default text when an admin has not saved one yet."""
    policy = TransparencyPolicy.objects.filter(key=POLICY_KEY).first()
    if policy is None:
        body = DEFAULT_POLICY_BODY.format(agency=settings.RTCC_AGENCY_NAME)
        return PolicyText(title=DEFAULT_POLICY_TITLE, body=body, updated_at=None, is_default=True)
    return PolicyText(title=policy.title, body=policy.body, updated_at=policy.updated_at, is_default=False)


def _compute(*, now: dt.datetime) -> TransparencyFigures:
    since = now - dt.timedelta(days=WINDOW_DAYS)
    readers = Reader.objects.aggregate(total=Count("id"), active=Count("id", filter=Q(status=ReaderStatus.ACTIVE)))
    reads, exact = reads_retained_count()
    # The hits index is (status, created_at); hits are a small fraction of reads.
    hits = Hit.objects.filter(created_at__gte=since, created_at__lte=now).aggregate(
        total=Count("id"),
        reviewed=Count("id", filter=~Q(status=HitStatus.UNVERIFIED)),
        actionable=Count("id", filter=Q(status=HitStatus.ACTIONABLE)),
        rejected=Count("id", filter=Q(status=HitStatus.REJECTED)),
    )
    cameras = _cameras_by_tier()
    return TransparencyFigures(
        as_of=now,
        window_days=WINDOW_DAYS,
        readers_active=readers["active"],
        readers_total=readers["total"],
        reads_retained=reads,
        reads_exact=exact,
        hits_total=hits["total"],
        hits_reviewed=hits["reviewed"],
        hits_actionable=hits["actionable"],
        hits_rejected=hits["rejected"],
        searches=_searches_by_purpose(since=since, now=now),
        purges=_purge_totals(),
        cameras=cameras,
        cameras_total=sum(row.count for row in cameras),
        retention=retention_rows(),
    )


def reads_retained_count() -> tuple[int, bool]:
    """(count, exact) of plate reads held now: exact unless that takes longer than READ_COUNT_TIMEOUT_MS,
    then the sum of the day partitions' row estimates (pg_class.reltuples, kept by autovacuum/ANALYZE)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {int(READ_COUNT_TIMEOUT_MS)}")
        try:
            with transaction.atomic():
                cursor.execute(READ_COUNT_SQL)
                return int(cursor.fetchone()[0]), True
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
                raise
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'lpr_read'::regclass"
        )
        return int(cursor.fetchone()[0]), False


def _searches_by_purpose(*, since: dt.datetime, now: dt.datetime) -> list[SearchRow]:
    rows = (
        AuditEvent.objects.filter(action__in=SEARCH_ACTIONS, at__gte=since, at__lte=now)
        .values("action", "purpose")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = dict(search_purposes())
    counts: dict[str, dict[str, int]] = {label: {"lpr.search": 0, "lpr.export": 0} for label in labels.values()}
    for row in rows:
        # Only configured codes are shown by name (they are fixed labels, never free text).
        label = labels.get(row["purpose"], OTHER_PURPOSE)
        counts.setdefault(label, {"lpr.search": 0, "lpr.export": 0})[row["action"]] += row["n"]
    return [SearchRow(label=label, searches=n["lpr.search"], exports=n["lpr.export"]) for label, n in counts.items()]


def _purge_totals() -> list[PurgeRow]:
    rows: dict[str, dict[str, Any]] = {
        row["policy"]: dict(row)
        for row in PurgeLedger.objects.values("policy")
        .annotate(runs=Count("id"), removed=Sum("rows_removed"), dropped=Sum("partitions_dropped"), last=Max("ran_at"))
        .order_by()
    }
    result = []
    for policy, label in PURGE_POLICIES.items():
        row: dict[str, Any] = rows.get(policy, {})
        result.append(
            PurgeRow(
                label=label,
                runs=row.get("runs", 0),
                rows_removed=row.get("removed") or 0,
                partitions_dropped=row.get("dropped") or 0,
                last_run=row.get("last"),
            )
        )
    return result


def _cameras_by_tier() -> list[CountRow]:
    counts = dict(
        Camera.objects.filter(status=CameraStatus.APPROVED).values_list("tier").annotate(n=Count("id")).order_by()
    )
    return [CountRow(label=str(tier.label), count=counts.get(tier.value, 0)) for tier in AccessTier]


def retention_rows() -> list[RetentionRow]:
    """Retention per data class, from the settings the purge jobs use."""
    return [
        RetentionRow(
            "LPR reads with no hit",
            read_retention_days(),
            "Deleted automatically when the period ends, unless under a legal hold or attached to a case.",
        ),
        RetentionRow(
            "LPR hits (hotlist matches)",
            hit_retention_days(),
            "Deleted automatically when the period ends, unless under a legal hold or attached to a case.",
        ),
        RetentionRow(
            "Audit trail (who searched or viewed what, and why)",
            int(settings.RTCC_AUDIT_RETENTION_DAYS),
            "Never altered; kept at least this long, then archived.",
        ),
        RetentionRow(
            "Live-update messages to operators' screens",
            int(settings.RTCC_EVENT_RETENTION_DAYS),
            "Deleted automatically when the period ends.",
        ),
        RetentionRow(
            "Case evidence (files attached to a case)",
            None,
            "Kept with its case; no automatic deletion is configured.",
        ),
    ]
