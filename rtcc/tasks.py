from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from rtcc.models import OutboxEvent


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def prune_outbox() -> int:
    """Beat job: drop events older than the catch-up window (RTCC_EVENT_RETENTION_DAYS)."""
    cutoff = timezone.now() - timedelta(days=settings.RTCC_EVENT_RETENTION_DAYS)
    deleted, _ = OutboxEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
