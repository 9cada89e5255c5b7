"""Celery interfaces of the LPR app: each task calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from lpr.imports import hotlists_refresh
from lpr.services.hotlists import entries_expire


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def refresh_hotlists() -> dict[str, Any]:
    """Beat job: re-import every hotlist's refresh file (replace mode); unreadable files raise an admin alert."""
    return hotlists_refresh()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def expire_hotlist_entries() -> int:
    """Beat job: entries past their expiry stop matching."""
    return entries_expire()
