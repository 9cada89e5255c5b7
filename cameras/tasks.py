"""Periodic camera work; each task calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cameras import services


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def probe_camera_health() -> int:
    """Probe every live-share camera (in parallel, outside transactions); returns how many were probed."""
    return len(services.cameras_probe_all())


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def check_camera_mous() -> dict[str, int]:
    outcome = services.cameras_check_mou(today=timezone.localdate())
    return {"warned": len(outcome.warned), "lapsed": len(outcome.lapsed), "cleared": len(outcome.cleared)}


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def expire_footage_requests() -> int:
    return services.footage_requests_expire()
