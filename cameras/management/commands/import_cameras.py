from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import Role
from cameras.imports import FILE_SUFFIXES, import_cameras
from feeds.imports.mapping import MappingError, load_mapping
from rtcc.errors import ApplicationError

BAR_WIDTH = 30
SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import cameras from a CSV or GeoJSON file through a mapping file, with progress and a report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (.csv) or GeoJSON (.geojson, .json) file.")
        parser.add_argument("--mapping", type=Path, required=True, help="Mapping file of kind 'camera'.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count every row, write nothing.")
        parser.add_argument("--report", type=Path, help="Also write the full report as JSON here.")
        parser.add_argument(
            "--user", help="Admin the import is recorded under (default: the only active admin, if there is one)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        if path.suffix.lower() not in FILE_SUFFIXES:
            raise CommandError(f"file: the name must end in one of {', '.join(FILE_SUFFIXES)}")
        user = self.acting_user(options["user"])
        try:
            mapping = load_mapping(options["mapping"])
            report = import_cameras(
                path=path, mapping=mapping, user=user, dry_run=options["dry_run"], progress=self.progress
            )
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        sys.stderr.write("\n")
        summary = report.as_dict()
        if options["report"]:
            options["report"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(
            f"rows {report.rows}: accepted {report.accepted_rows}, rejected {report.rejected}; "
            f"cameras {report.records}: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}; outside the service area {report.outside_service_area}"
            + (" (dry run: nothing written)" if report.dry_run else "")
        )
        where = "feature" if report.file_format == "geojson" else "line"
        for number, reason in report.problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  {where} {number}: {reason}")
        if report.rejected > SHOWN_PROBLEMS:
            self.stdout.write(f"  … {report.rejected - SHOWN_PROBLEMS} more rejected rows (see --report)")

    @staticmethod
    def acting_user(username: str | None) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"--user: no active user {username!r}")
            return user
        admins = list(users.filter(groups__name=Role.ADMIN)[:2])
        if len(admins) != 1:
            raise CommandError("--user: give the admin the import is recorded under")
        return admins[0]

    @staticmethod
    def progress(done: int, total: int) -> None:
        share = min(1.0, done / total) if total else 1.0
        filled = int(share * BAR_WIDTH)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%}  {done:,} of {total:,}")
        sys.stderr.flush()
