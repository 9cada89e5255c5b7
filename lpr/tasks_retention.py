"""Periodic LPR retention work (beat schedule in rtcc/celery.py); each task calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from lpr import retention


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def purge_expired_reads() -> dict[str, dict[str, int | bool]]:
    """Nightly: expired hits, then expired reads; safe to run twice (a second run finds nothing)."""
    return {
        outcome.policy: {
            "rows_removed": outcome.rows_removed,
            "partitions_dropped": outcome.partitions_dropped,
            "skipped": outcome.skipped,
        }
        for outcome in retention.retention_purge(now=timezone.now())
    }


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300)
def create_read_partitions() -> list[str]:
    """Day partitions of lpr_read from yesterday to a week ahead; returns the names created."""
    return retention.partitions_create_ahead(today=timezone.now().date())
