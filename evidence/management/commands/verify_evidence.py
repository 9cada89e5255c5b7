from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from evidence.models import Evidence
from evidence.tasks import verify_batches


class Command(BaseCommand):
    help = "Re-hash stored evidence and compare with the upload hash; exits 1 on any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", help="Case id or number (default: all evidence).")

    def handle(self, *args: Any, **options: Any) -> None:
        case_id = None
        if options["case"]:
            given = str(options["case"])
            case = Case.objects.filter(number=given).first() or (
                Case.objects.filter(pk=int(given)).first() if given.isdigit() else None
            )
            if case is None:
                raise CommandError(f"--case: no case {given}")
            case_id = case.pk
        outcome = verify_batches(case_id=case_id)
        for item in Evidence.objects.filter(pk__in=outcome["mismatched"]).select_related("case"):
            self.stdout.write(f"MISMATCH evidence {item.pk} ({item.case.number}) {item.original_name}")
        self.stdout.write(f"checked {outcome['checked']}, mismatched {len(outcome['mismatched'])}")
        if outcome["mismatched"]:
            raise SystemExit(1)
