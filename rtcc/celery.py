"""Celery application; the periodic schedule lives here, in one place."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")

app = Celery("rtcc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules not named tasks.py.
app.conf.imports = ("lpr.tasks_retention",)

app.conf.beat_schedule = {
    "feeds-requeue-stalled-batches": {
        "task": "feeds.tasks.requeue_stalled_batches",
        "schedule": float(os.environ.get("RTCC_INBOX_SWEEP_SECONDS", "60")),
    },
    "feeds-check-health": {
        "task": "feeds.tasks.check_feed_health",
        "schedule": 60.0,
    },
    "cameras-probe-health": {
        "task": "cameras.tasks.probe_camera_health",
        "schedule": float(os.environ.get("RTCC_CAMERA_PROBE_SECONDS", "300")),
    },
    "cameras-check-mou": {
        "task": "cameras.tasks.check_camera_mous",
        "schedule": 3600.0,
    },
    "cameras-expire-footage-requests": {
        "task": "cameras.tasks.expire_footage_requests",
        "schedule": 900.0,
    },
    "lpr-purge-expired-reads": {
        "task": "lpr.tasks_retention.purge_expired_reads",
        "schedule": crontab(hour=3, minute=15),
    },
    "lpr-create-read-partitions": {
        "task": "lpr.tasks_retention.create_read_partitions",
        "schedule": crontab(hour=0, minute=30),
    },
    "lpr-refresh-hotlists": {
        "task": "lpr.tasks.refresh_hotlists",
        "schedule": float(os.environ.get("RTCC_LPR_HOTLIST_REFRESH_SECONDS", "900")),
    },
    "lpr-expire-hotlist-entries": {
        "task": "lpr.tasks.expire_hotlist_entries",
        "schedule": 300.0,
    },
    "rtcc-prune-outbox": {
        "task": "rtcc.tasks.prune_outbox",
        "schedule": 3600.0,
    },
    # Alert rules read the outbox; each commit also enqueues a run, this sweep catches up.
    "bulletins-expire-due": {"task": "bulletins.tasks.expire_due", "schedule": 300.0},
    # Nightly re-hash of every evidence file (chain of custody: integrity_checked entries).
    "evidence-verify-all": {"task": "evidence.tasks.verify_all", "schedule": crontab(hour=2, minute=45)},
    # Anomaly flags on searches (repeat plate, off shift, volume, unknown case number).
    "audit-compute-anomaly-flags": {"task": "audit.tasks.compute_anomaly_flags", "schedule": 900.0},
    # Dashboard rollups: the recent days often, everything nightly (docs/analytics.md).
    "analytics-refresh-recent": {
        "task": "analytics.tasks.refresh_recent_rollups",
        "schedule": float(os.environ.get("RTCC_ROLLUP_REFRESH_SECONDS", "300")),
        "options": {"expires": 240},
    },
    "analytics-refresh-all": {"task": "analytics.tasks.refresh_all_rollups", "schedule": crontab(hour=3, minute=40)},
    # Shift reports are written once each shift has ended.
    "analytics-write-shift-reports": {"task": "analytics.tasks.write_due_shift_reports", "schedule": 300.0},
    "rules-evaluate-new-events": {
        "task": "rules.tasks.evaluate_new_events",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}
