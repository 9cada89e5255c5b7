from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.packet.verify import verify_packet


class Command(BaseCommand):
    help = "Check a court packet ZIP against its MANIFEST.sha256; prints OK or each problem (exit 1 on any)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zip_path")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_packet(options["zip_path"])
        if not problems:
            self.stdout.write("OK")
            return
        for problem in problems:
            self.stdout.write(f"FAILED {problem}")
        raise SystemExit(1)
