from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.shift_reports import shift_report_write, write_due_reports
from rtcc.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Write shift reports: every shift that ended in the last 48 hours and has none (no arguments), "
        "or one shift with --date YYYY-MM-DD --shift NAME. A report already written is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Local date the shift starts on (a night shift: the evening's date).")
        parser.add_argument("--shift", help="Shift name as in RTCC_SHIFTS, e.g. Night.")

    def handle(self, *args: Any, date: str | None = None, shift: str | None = None, **options: Any) -> None:
        if date is None and shift is None:
            written = write_due_reports()
            for report in written:
                self.stdout.write(f"written: {report} (id {report.pk})")
            self.stdout.write(f"{len(written)} report(s) written.")
            return
        if not date or not shift:
            raise CommandError("give both --date and --shift, or neither")
        try:
            shift_date = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"--date: {date!r} is not a date YYYY-MM-DD") from None
        try:
            report, created = shift_report_write(shift_date=shift_date, shift=shift)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        state = "written" if created else "already written"
        self.stdout.write(f"{state}: {report} (id {report.pk})")
