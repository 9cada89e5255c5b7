"""Periodic audit work (beat schedule in rtcc/celery.py); each task calls one service."""

from __future__ import annotations

from celery import shared_task

from audit.anomalies import flags_compute


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def compute_anomaly_flags() -> dict[str, int]:
    """Every 15 minutes: flag today's and yesterday's anomalous searches; safe to run twice."""
    run = flags_compute()
    return {"created": len(run.created), "refreshed": run.refreshed}
