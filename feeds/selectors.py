"""Reads for feeds: API-key lookup and batches that need attention."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import has_capability
from feeds.choices import BatchStatus, DeadLetterStatus
from feeds.models import DeadLetter, Feed, InboxBatch


def feed_get_by_api_key(*, key: str) -> Feed | None:
    """The feed owning this key, or None; compares hashes in constant time."""
    from feeds.services import hash_api_key

    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "rtcc":
        return None
    feed = Feed.objects.filter(key_prefix=parts[1]).first()
    if feed is None or not hmac.compare_digest(feed.key_hash, hash_api_key(key)):
        return None
    return feed


def inbox_batches_stalled(*, older_than: timedelta | None = None) -> QuerySet[InboxBatch]:
    """Batches accepted but not processed after RTCC_INBOX_STALE_SECONDS (broker down, task lost).

    The default five minutes keeps an ordinary backlog from being enqueued twice; a duplicate
    would be harmless anyway (processing claims the batch and skips it when done).
    """
    age = older_than if older_than is not None else timedelta(seconds=settings.RTCC_INBOX_STALE_SECONDS)
    return InboxBatch.objects.filter(status=BatchStatus.RECEIVED, received_at__lt=timezone.now() - age).order_by(
        "received_at"
    )


HEALTH_RATE_WINDOW = timedelta(minutes=10)
BACKLOG_LIMIT = timedelta(seconds=60)


@dataclass(frozen=True)
class FeedHealth:
    feed_id: int
    name: str
    kind: str
    status: str  # healthy, lagging, silent, failing, disabled
    reason: str
    last_record_at: datetime | None
    silent_seconds: float | None
    lag_seconds: float | None
    records_per_minute: float
    accepted_records: int
    rejected_records: int
    dead_lettered_records: int
    open_dead_letters: int
    backlog_batches: int


def feeds_with_health_counts(now: datetime, feeds: QuerySet[Feed] | None = None) -> QuerySet[Feed]:
    """Feeds annotated with what their health needs, in one query (no query per feed)."""
    batches = InboxBatch.objects.filter(feed=OuterRef("pk"))
    open_letters = DeadLetter.objects.filter(feed=OuterRef("pk"), status=DeadLetterStatus.OPEN)
    backlog = batches.filter(status=BatchStatus.RECEIVED)

    def count(queryset: QuerySet[Any]) -> Subquery:
        return Subquery(queryset.order_by().values("feed").annotate(n=Count("pk")).values("n")[:1])

    recent_records = (
        batches.filter(received_at__gte=now - HEALTH_RATE_WINDOW)
        .order_by()
        .values("feed")
        .annotate(n=Sum("record_count"))
        .values("n")[:1]
    )
    return (feeds if feeds is not None else Feed.objects.all()).annotate(
        h_recent_records=Coalesce(Subquery(recent_records), 0),
        h_backlog=Coalesce(count(backlog), 0),
        h_stuck=Exists(backlog.filter(received_at__lt=now - BACKLOG_LIMIT)),
        h_open_letters=Coalesce(count(open_letters), 0),
        h_failing_recently=Exists(open_letters.filter(created_at__gte=now - timedelta(hours=1))),
    )


def feed_health(*, feed: Feed, now: datetime | None = None) -> FeedHealth:
    """Status of one feed from its counters, its recent batches and its dead letters."""
    now = now or timezone.now()
    if not hasattr(feed, "h_backlog"):
        feed = feeds_with_health_counts(now, Feed.objects.filter(pk=feed.pk)).get()
    reference = feed.last_record_at or feed.created_at
    silent_seconds = (now - reference).total_seconds()
    lag_seconds = (now - feed.newest_event_at).total_seconds() if feed.newest_event_at else None
    rate = feed.h_recent_records / (HEALTH_RATE_WINDOW.total_seconds() / 60)  # type: ignore[attr-defined]
    stuck: bool = feed.h_stuck  # type: ignore[attr-defined]
    open_letters: int = feed.h_open_letters  # type: ignore[attr-defined]
    failing_recently: bool = feed.h_failing_recently  # type: ignore[attr-defined]
    if not feed.enabled:
        status, reason = "disabled", "disabled by an admin"
    elif silent_seconds > feed.max_silence_seconds:
        status, reason = (
            "silent",
            f"nothing for {int(silent_seconds // 60)} min (limit {feed.max_silence_seconds // 60})",
        )
    elif failing_recently:
        status, reason = "failing", "records dead-lettered in the last hour"
    elif stuck:
        status, reason = "lagging", "batches waiting more than a minute for a worker"
    elif lag_seconds is not None and lag_seconds > feed.max_silence_seconds:
        status, reason = "lagging", f"newest event is {int(lag_seconds // 60)} min old"
    else:
        status, reason = "healthy", ""
    return FeedHealth(
        feed_id=feed.pk,
        name=feed.name,
        kind=feed.kind,
        status=status,
        reason=reason,
        last_record_at=feed.last_record_at,
        silent_seconds=silent_seconds,
        lag_seconds=lag_seconds,
        records_per_minute=round(rate, 1),
        accepted_records=feed.accepted_records,
        rejected_records=feed.rejected_records,
        dead_lettered_records=feed.dead_lettered_records,
        open_dead_letters=open_letters,
        backlog_batches=feed.h_backlog,  # type: ignore[attr-defined]
    )


def feeds_health_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> list[FeedHealth]:
    """Health of every feed, for roles allowed to see feed health."""
    if not has_capability(user, "feeds.health"):
        return []
    now = timezone.now()
    return [feed_health(feed=feed, now=now) for feed in feeds_with_health_counts(now)]
