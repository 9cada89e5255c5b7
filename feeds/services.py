"""Writes for feeds: API keys, the durable inbox, batch processing and dead-letter replay."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, Greatest
from django.utils import timezone
from django.utils.text import slugify

from feeds import pipeline
from feeds.choices import BatchStatus, DeadLetterStatus
from feeds.models import DeadLetter, Feed, InboxBatch
from rtcc.errors import InvalidInput

logger = logging.getLogger(__name__)

KEY_PREFIX_LEN = 8


def hash_api_key(key: str) -> str:
    # Keys are 256-bit random strings, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(KEY_PREFIX_LEN // 2)
    return prefix, f"rtcc_{prefix}_{secrets.token_urlsafe(32)}"


def feed_create(*, name: str, kind: str, slug: str = "", enabled: bool = True) -> tuple[Feed, str]:
    """Register a feed and return it with its API key (the only time the key is visible)."""
    if kind not in pipeline.supported_kinds():
        raise InvalidInput(f"kind: feeds of kind {kind!r} are not supported yet")
    slug = slug or slugify(name)
    if Feed.objects.filter(name=name).exists() or Feed.objects.filter(slug=slug).exists():
        raise InvalidInput(f"name: a feed called {name!r} (slug {slug!r}) already exists")
    prefix, key = _new_key()
    feed = Feed.objects.create(
        name=name, slug=slug, kind=kind, enabled=enabled, key_prefix=prefix, key_hash=hash_api_key(key)
    )
    return feed, key


def feed_rotate_key(*, feed: Feed) -> str:
    """Replace a feed's key; the old one stops working at once."""
    prefix, key = _new_key()
    feed.key_prefix, feed.key_hash, feed.key_rotated_at = prefix, hash_api_key(key), timezone.now()
    feed.save(update_fields=["key_prefix", "key_hash", "key_rotated_at"])
    return key


def inbox_batch_accept(*, feed: Feed, records: list[dict[str, Any]]) -> InboxBatch:
    """Persist a validated batch and enqueue its processing once the row is committed."""
    from feeds.tasks import process_inbox_batch

    with transaction.atomic(durable=True):
        batch = InboxBatch.objects.create(feed=feed, records=records, record_count=len(records))
        Feed.objects.filter(pk=feed.pk).update(
            last_record_at=timezone.now(), accepted_records=F("accepted_records") + len(records)
        )
        batch_id = str(batch.id)
        transaction.on_commit(lambda: _enqueue(process_inbox_batch, batch_id))
    return batch


def _enqueue(task: Any, batch_id: str) -> None:
    try:
        task.delay(batch_id)
    except Exception:
        # The batch is safe in the inbox; the beat job requeues stalled batches.
        logger.exception("could not enqueue batch %s; it will be requeued by beat", batch_id)


def inbox_batch_process_inline(*, batch: InboxBatch) -> bool:
    """Process a just-committed batch in the caller (the ingest request) when its feed kind is set
    for it (RTCC_INGEST_INLINE_KINDS) and it is small; True when this call processed it.

    The batch is already safe in the inbox and its task already enqueued: if this fails, the
    transaction rolls back and the worker processes the batch as usual; if the worker got there
    first, SKIP LOCKED or the status make this a no-op. Never raises into the 202.
    """
    if batch.feed.kind not in settings.RTCC_INGEST_INLINE_KINDS:
        return False
    if batch.record_count > settings.RTCC_INGEST_INLINE_MAX_RECORDS:
        return False
    try:
        return inbox_batch_process(batch_id=str(batch.id)) is not None
    except Exception:
        logger.exception("inline processing of batch %s failed; the worker will process it", batch.id)
        return False


def inbox_batch_process(*, batch_id: str) -> InboxBatch | None:
    """Normalise and upsert one batch; failed records become dead letters. Safe to run twice."""
    with transaction.atomic(durable=True):
        batch = (
            # of=self: the feed row is hot (counters); locking it too would make SKIP LOCKED skip the batch.
            InboxBatch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("feed")
            .filter(id=batch_id, status=BatchStatus.RECEIVED)
            .first()
        )
        if batch is None:
            return None  # already done, or another worker holds it
        batch.attempts += 1
        handler = pipeline.handler_for(batch.feed.kind)
        result = handler(feed=batch.feed, records=list(batch.records))
        _dead_letters_store(batch=batch, failures=result.failures)
        if result.newest_event_at is not None:
            Feed.objects.filter(pk=batch.feed_id).update(
                newest_event_at=Greatest(
                    Coalesce("newest_event_at", Value(result.newest_event_at)), Value(result.newest_event_at)
                )
            )
        batch.processed_count = result.processed
        batch.dead_letter_count = len(result.failures)
        batch.status = BatchStatus.PARTIAL if result.failures else BatchStatus.DONE
        batch.processed_at = timezone.now()
        batch.save(update_fields=["attempts", "processed_count", "dead_letter_count", "status", "processed_at"])
    return batch


def inbox_batch_fail(*, batch_id: str, error: str) -> None:
    """After an unexpected error, dead-letter every record of the batch so nothing is lost."""
    with transaction.atomic(durable=True):
        batch = InboxBatch.objects.select_for_update(of=("self",)).select_related("feed").get(id=batch_id)
        if batch.status != BatchStatus.RECEIVED:
            return
        failures = [
            pipeline.RecordFailure(index=i, external_id=_external_id(record), error=error)
            for i, record in enumerate(batch.records)
        ]
        _dead_letters_store(batch=batch, failures=failures)
        batch.status, batch.dead_letter_count, batch.processed_at = BatchStatus.FAILED, len(failures), timezone.now()
        batch.save(update_fields=["status", "dead_letter_count", "processed_at"])


def _external_id(record: Any) -> str:
    return str(record.get("external_id", ""))[:128] if isinstance(record, dict) else ""


def _dead_letters_store(*, batch: InboxBatch, failures: list[pipeline.RecordFailure]) -> None:
    if not failures:
        return
    Feed.objects.filter(pk=batch.feed_id).update(dead_lettered_records=F("dead_lettered_records") + len(failures))
    DeadLetter.objects.bulk_create(
        [
            DeadLetter(
                batch=batch,
                feed=batch.feed,
                record_index=failure.index,
                external_id=failure.external_id[:128],
                record=batch.records[failure.index],
                error=failure.error,
            )
            for failure in failures
        ],
        update_conflicts=True,
        unique_fields=["batch", "record_index"],
        update_fields=["error", "status", "updated_at"],
    )


def dead_letters_replay(*, feed: Feed | None = None, ids: list[int] | None = None) -> dict[str, int]:
    """Run open dead letters through their feed's handler again; returns replayed/failed counts."""
    open_letters = DeadLetter.objects.filter(status=DeadLetterStatus.OPEN).select_related("feed")
    if feed is not None:
        open_letters = open_letters.filter(feed=feed)
    if ids is not None:
        open_letters = open_letters.filter(id__in=ids)
    by_feed: dict[int, list[DeadLetter]] = defaultdict(list)
    for letter in open_letters.order_by("id"):
        by_feed[letter.feed_id].append(letter)

    replayed = failed = 0
    for letters in by_feed.values():
        with transaction.atomic(durable=True):
            locked = list(
                DeadLetter.objects.select_for_update(of=("self",))
                .filter(id__in=[letter.id for letter in letters], status=DeadLetterStatus.OPEN)
                .select_related("feed")
                .order_by("id")
            )
            if not locked:
                continue
            result = pipeline.handler_for(locked[0].feed.kind)(
                feed=locked[0].feed, records=[letter.record for letter in locked]
            )
            failed_by_index = {failure.index: failure for failure in result.failures}
            now = timezone.now()
            for position, letter in enumerate(locked):
                letter.attempts += 1
                letter.updated_at = now
                failure = failed_by_index.get(position)
                if failure is None:
                    letter.status, letter.replayed_at = DeadLetterStatus.REPLAYED, now
                    replayed += 1
                else:
                    letter.error = failure.error
                    failed += 1
            DeadLetter.objects.bulk_update(locked, ["attempts", "status", "replayed_at", "error", "updated_at"])
    return {"replayed": replayed, "failed": failed}


def dead_letters_discard(*, ids: list[int], reason: str) -> int:
    """Close open dead letters that must not be replayed (garbage, test records); keeps them for audit."""
    if not reason.strip():
        raise InvalidInput("reason: say why these records are discarded")
    now = timezone.now()
    return DeadLetter.objects.filter(id__in=ids, status=DeadLetterStatus.OPEN).update(
        status=DeadLetterStatus.DISCARDED,
        error=Concat(F("error"), Value(f"\n[discarded: {reason.strip()}]")),
        updated_at=now,
    )


def feed_rejections_count(*, feed: Feed, records: int) -> None:
    """Count records refused at the door (400): telemetry only, the batch itself is not stored."""
    Feed.objects.filter(pk=feed.pk).update(rejected_records=F("rejected_records") + records)


def feeds_health_check(*, now: datetime | None = None) -> dict[str, int]:
    """Beat job: raise a 'feed silent' alert for each silent feed, resolve it when records resume."""
    from alerts import services as alert_services
    from alerts.choices import AlertType
    from feeds.selectors import feed_health, feeds_with_health_counts

    now = now or timezone.now()
    raised = resolved = 0
    feeds = list(feeds_with_health_counts(now, Feed.objects.filter(enabled=True)))
    for feed in feeds:
        health = feed_health(feed=feed, now=now)
        key = f"feed:{feed.pk}"
        with transaction.atomic(durable=True):
            if health.status == "silent":
                minutes = int(health.silent_seconds // 60) if health.silent_seconds is not None else None
                alert_services.alert_raise_or_update(
                    type=AlertType.FEED_SILENT,
                    source_key=key,
                    priority=2,
                    title=f"Feed {feed.name} is silent",
                    detail=f"No record for {minutes} min (limit {feed.max_silence_seconds // 60} min)"
                    if minutes is not None
                    else "No record received yet",
                )
                alert_services.alert_reopen_for_source(type=AlertType.FEED_SILENT, source_key=key)
                raised += 1
            elif alert_services.alert_resolve_for_source(
                type=AlertType.FEED_SILENT, source_key=key, note="Records resumed"
            ):
                resolved += 1
    return {"checked": len(feeds), "silent": raised, "resolved": resolved}
