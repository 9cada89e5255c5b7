"""Celery interface of the rules app: the live run (enqueued on commit of trigger events, and a beat sweep)."""

from __future__ import annotations

import random

from celery import shared_task
from django.db import InterfaceError, OperationalError

from rules.live import rules_evaluate_new_events

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, soft_time_limit=50, time_limit=60)
def evaluate_new_events(self) -> int:  # type: ignore[no-untyped-def]
    """Safe to run twice or concurrently: the cursor row serializes runs, matches are unique."""
    try:
        return rules_evaluate_new_events()
    except TRANSIENT_ERRORS as exc:
        countdown = min(60, 2**self.request.retries) + random.uniform(0, 1)  # jitter, not crypto
        raise self.retry(exc=exc, countdown=countdown) from exc
