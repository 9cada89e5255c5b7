"""manage.py import_areas <file.geojson>: police beats or districts from a GeoJSON FeatureCollection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from areas.choices import AreaKind
from areas.imports import AreaFileError, Fields
from areas.services import areas_import

DEFAULT_CODE_FIELD = {AreaKind.BEATS: "BEAT_NUM", AreaKind.DISTRICTS: "DISTRICT"}


class Command(BaseCommand):
    help = (
        "Import police beats or districts from GeoJSON (clockwise rings are re-oriented, invalid "
        "polygons repaired with MakeValid). All or nothing: any rejected feature fails the file "
        "unless --skip-rejected. Re-running updates by code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", choices=[k.value for k in AreaKind], default=AreaKind.BEATS.value)
        parser.add_argument(
            "--code-field", help="Property holding the code (BEAT_NUM for beats, DISTRICT for districts)."
        )
        parser.add_argument("--district-field", default="DISTRICT", help="Beats: property naming the district.")
        parser.add_argument("--sector-field", default="SECTOR", help="Beats: property naming the sector.")
        parser.add_argument("--name-field", default="", help="Districts: property holding the name.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument("--replace", action="store_true", help="Delete rows of this kind the file does not name.")
        parser.add_argument("--skip-rejected", action="store_true", help="Import the good features, list the bad.")
        parser.add_argument("--derive-districts", action="store_true", help="Beats: districts = union of their beats.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = AreaKind(options["kind"])
        path: Path = options["path"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it as UTF-8 text ({exc})") from exc
        beats = kind == AreaKind.BEATS
        fields = Fields(
            code=options["code_field"] or DEFAULT_CODE_FIELD[kind],
            district=options["district_field"] if beats else "",
            sector=options["sector_field"] if beats else "",
            name="" if beats else options["name_field"],
        )
        try:
            summary = areas_import(
                text=text,
                kind=kind,
                fields=fields,
                source=path.name,
                dry_run=options["dry_run"],
                replace=options["replace"],
                skip_rejected=options["skip_rejected"],
                derive_districts=options["derive_districts"] and beats,
            )
        except AreaFileError as exc:
            listing = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(f"{path}: nothing imported ({len(exc.problems)} problem(s)):\n{listing}") from exc
        for line in summary.lines():
            self.stdout.write(line)
