from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds import pipeline
from feeds.imports.csv_import import import_csv
from feeds.imports.mapping import CellError, MappingError, load_mapping, mapping_from_text
from feeds.models import Feed

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import a CSV export through a mapping file into a feed's pipeline, with progress and a report "
        "(camera files: manage.py import_cameras)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=pipeline.supported_kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping", type=Path, help="Mapping file (JSON or YAML); default: the feed's own mapping."
        )
        parser.add_argument("--feed", required=True, help="Slug of the feed the records belong to.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true", help="Check and count every row, write nothing.")
        parser.add_argument("--report", type=Path, help="Also write the full report as JSON here.")

    def handle(self, *args: Any, **options: Any) -> None:
        feed = Feed.objects.filter(slug=options["feed"]).first()
        if feed is None:
            raise CommandError(f"--feed: no feed with slug {options['feed']!r}")
        if not options["file"].is_file():
            raise CommandError(f"file: {options['file']} does not exist")
        if not 1 <= options["batch_size"] <= 5000:
            raise CommandError("--batch-size: between 1 and 5000")
        try:
            if options["mapping"]:
                mapping = load_mapping(options["mapping"])
            elif feed.mapping.strip():
                mapping = mapping_from_text(feed.mapping, name=f"{feed.slug}.yaml")
            else:
                raise CommandError(f"--mapping: feed {feed.slug!r} has no mapping of its own; give a mapping file")
            if mapping.kind != options["kind"]:
                raise MappingError(f"kind: the mapping is for {mapping.kind!r}, not {options['kind']!r}")
            report = import_csv(
                path=options["file"],
                mapping=mapping,
                feed=feed,
                batch_size=options["batch_size"],
                dry_run=options["dry_run"],
                progress=self.progress,
            )
        except (MappingError, CellError) as exc:
            raise CommandError(str(exc)) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"file: not {mapping.encoding} text ({exc.reason} at byte {exc.start})") from exc
        sys.stderr.write("\n")
        summary = report.as_dict()
        if options["report"]:
            options["report"].write_text(json.dumps(summary, indent=2) + "\n")
        self.stdout.write(
            f"rows {report.rows}: accepted {report.accepted}, flagged {report.flagged} "
            f"(missing coordinates {report.flagged_missing}, out of area {report.flagged_out_of_area}), "
            f"rejected {report.rejected}; {len(report.batch_ids)} batches queued"
            + (" (dry run: nothing written)" if report.dry_run else "")
        )
        for name, (earliest, latest) in report.time_range.items():
            self.stdout.write(f"  {name}: from {earliest} to {latest}")
        for problem in report.problems[:20]:
            self.stdout.write(f"  line {problem.line}: {problem.reason}")
        if report.rejected > 20:
            self.stdout.write(f"  … {report.rejected - 20} more rejected rows (see --report)")

    @staticmethod
    def progress(done: int, total: int) -> None:
        share = min(1.0, done / total)
        filled = int(share * BAR_WIDTH)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%}  line {done:,} of {total:,}")
        sys.stderr.flush()
