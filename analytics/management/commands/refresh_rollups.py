from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.rollups import refresh_rollups


class Command(BaseCommand):
    help = "Recompute the dashboard rollups: the recent days, or everything with --full."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild every day, not only the recent ones.")

    def handle(self, *args: Any, full: bool = False, **options: Any) -> None:
        for result in refresh_rollups(full=full):
            since = result.window_start.isoformat() if result.window_start else "the beginning"
            self.stdout.write(f"{result.name}: {result.rows} rows from {since} in {result.duration_ms} ms")
