from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import has_capability
from cases.models import Case
from cases.packet.bundle import build_packet
from rtcc.errors import Conflict, NotFound


class Command(BaseCommand):
    help = "Export a case's court packet ZIP (PDF, evidence files, MANIFEST.sha256) as a given user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_number")
        parser.add_argument("--user", required=True, help="Username the export is recorded under (custody log).")
        parser.add_argument("--out", required=True, help="Path of the ZIP to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user {options['user']!r}")
        if not (has_capability(user, "cases.read") and has_capability(user, "evidence.read")):
            raise CommandError(f"--user: {user.get_username()} may not read cases and evidence")
        case = Case.objects.filter(number=options["case_number"]).first()
        if case is None:
            raise CommandError(f"case_number: no case {options['case_number']!r}")
        out = Path(options["out"])
        partial = out.with_name(out.name + ".part")
        try:
            with partial.open("wb") as handle:
                result = build_packet(case=case, user=user, out=handle)
        except (Conflict, NotFound) as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        partial.replace(out)
        self.stdout.write(
            f"{out}: {len(result.files)} files, evidence {result.evidence_bytes} bytes, "
            f"pdf {result.pdf_bytes} bytes, zip {out.stat().st_size} bytes, {result.seconds:.2f} s"
        )
