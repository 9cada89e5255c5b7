"""Celery interfaces of the feeds app: each task calls one service."""

from __future__ import annotations

import logging
import random

from celery import shared_task
from django.db import InterfaceError, OperationalError

from feeds import selectors, services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
    time_limit=300,
    soft_time_limit=240,
)
def process_inbox_batch(self, batch_id: str) -> str:  # type: ignore[no-untyped-def]
    """Process one inbox batch; transient DB errors retry with backoff, anything else dead-letters."""
    try:
        batch = services.inbox_batch_process(batch_id=batch_id)
    except TRANSIENT_ERRORS as exc:
        countdown = min(300, 2**self.request.retries) + random.uniform(0, 1)  # jitter, not crypto
        raise self.retry(exc=exc, countdown=countdown) from exc
    except Exception as exc:
        # A bug or unexpected data: keep every record in the dead-letter store, never drop them.
        logger.exception("batch %s failed; dead-lettering its records", batch_id)
        services.inbox_batch_fail(batch_id=batch_id, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    return batch.status if batch else "skipped"


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def run_import_job(job_id: int) -> str:
    """Import one uploaded file (the job row records progress and the report)."""
    from feeds.imports.jobs import import_job_run

    return import_job_run(job_id=job_id).status


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def check_feed_health() -> dict[str, int]:
    """Beat job: silent-feed alerts raised and cleared."""
    return services.feeds_health_check()


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def requeue_stalled_batches() -> int:
    """Beat job: enqueue batches that were accepted but never processed."""
    batch_ids = [str(pk) for pk in selectors.inbox_batches_stalled().values_list("id", flat=True)[:500]]
    for batch_id in batch_ids:
        process_inbox_batch.delay(batch_id)
    return len(batch_ids)
