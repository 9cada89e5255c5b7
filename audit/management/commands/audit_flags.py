"""`manage.py audit_flags [--days N]`: compute the anomaly flags now (the beat task does it every 15 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.anomalies import flags_compute


class Command(BaseCommand):
    help = "Compute audit anomaly flags for the last N local days (default 2: today and yesterday)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        run = flags_compute(days=options["days"])
        for flag in run.created:
            self.stdout.write(
                f"new flag {flag.pk}: {flag.get_kind_display()} · user {flag.user_id} · {flag.key} · {flag.day}"
            )
        self.stdout.write(f"{len(run.created)} new, {run.refreshed} refreshed")
