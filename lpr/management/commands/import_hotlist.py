from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds.imports.mapping import MappingError, load_mapping
from lpr.imports import hotlist_import, mapping_path
from lpr.models import Hotlist
from rtcc.errors import ApplicationError

BAR_WIDTH = 30
SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Import a hotlist file (Genetec text layout, generic CSV, …) into one hotlist through a mapping, "
        "with a report; --replace makes the file the whole list (entries it no longer lists are deactivated)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--hotlist", required=True, help="Name (or id) of the hotlist the entries go on.")
        parser.add_argument(
            "--mapping", required=True, help="Mapping file, or the name of one in lpr/mappings/ (genetec_hotlist)."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Refresh: deactivate active entries the file does not list."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count every row, write nothing.")
        parser.add_argument("--user", help="Who imports (needs lpr.hotlists.manage); recorded in history and audit.")
        parser.add_argument("--report", type=Path, help="Also write the full report as JSON here.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        hotlist = self.hotlist(options["hotlist"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(is_active=True, username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no active user {options['user']!r}")
        try:
            report = hotlist_import(
                hotlist_id=hotlist.pk,
                path=path,
                mapping=load_mapping(mapping_path(options["mapping"])),
                user=user,
                replace=options["replace"],
                dry_run=options["dry_run"],
                progress=self.progress,
            )
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        sys.stderr.write("\n")
        if options["report"]:
            options["report"].write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(
            f"{report.hotlist}: rows {report.rows}: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, rejected {report.rejected}; "
            f"deactivated (not in the file) {report.deactivated}; stored inactive (expired) {report.stored_inactive}; "
            f"hits on recent reads {report.hits}" + (" (dry run: nothing written)" if report.dry_run else "")
        )
        for line, reason in report.problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  line {line}: {reason}")
        if report.rejected > SHOWN_PROBLEMS:
            self.stdout.write(f"  … {report.rejected - SHOWN_PROBLEMS} more rejected rows (see --report)")

    @staticmethod
    def hotlist(name: str) -> Hotlist:
        hotlist = Hotlist.objects.filter(name=name).first()
        if hotlist is None and name.isdigit():
            hotlist = Hotlist.objects.filter(pk=int(name)).first()
        if hotlist is None:
            raise CommandError(f"--hotlist: no hotlist called {name!r}")
        return hotlist

    @staticmethod
    def progress(done: int, total: int) -> None:
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * BAR_WIDTH)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%}  line {done:,} of {total:,}")
        sys.stderr.flush()
