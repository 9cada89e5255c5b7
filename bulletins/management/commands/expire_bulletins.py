"""Mark bulletins past their expiry as expired (run every few minutes from Celery beat or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bulletins.services import bulletins_expire_due


class Command(BaseCommand):
    help = "Mark bulletins whose expires_at has passed as expired."

    def handle(self, *args: Any, **options: Any) -> None:
        count = bulletins_expire_due()
        self.stdout.write(f"{count} bulletin(s) expired")
