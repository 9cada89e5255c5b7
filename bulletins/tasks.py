from __future__ import annotations

from celery import shared_task

from bulletins.services import bulletins_expire_due


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def expire_due() -> int:
    """Beat job (every 5 minutes): bulletins past their expiry become expired."""
    return bulletins_expire_due()
