"""Reads for feeds: API-key lookup and batches that need attention."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from feeds.choices import BatchStatus
from feeds.models import Feed, InboxBatch


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
