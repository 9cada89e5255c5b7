"""Read a CSV export through a mapping, classify every row, and hand clean batches to the inbox.

Each batch goes through `feeds.services.inbox_batch_accept`, exactly like an API batch, so
imports get the same processing, idempotency and dead-letter handling. Importing a file twice
updates the same incidents instead of duplicating them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from feeds import pipeline, services
from feeds.imports.mapping import CellError, Mapping, MappingError
from feeds.models import Feed
from rtcc.geo import LocationStatus, locate

SNIFF_DELIMITERS = ",;\t|"
MAX_LISTED_PROBLEMS = 1000


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    flagged_missing: int = 0
    flagged_out_of_area: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    batch_ids: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Earliest and latest value of every datetime field, to spot a wrong format (06 read as 1906…).
    time_range: dict[str, list[str]] = field(default_factory=dict)

    @property
    def flagged(self) -> int:
        return self.flagged_missing + self.flagged_out_of_area

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(RowProblem(line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "flagged": {"missing_coordinates": self.flagged_missing, "out_of_area": self.flagged_out_of_area},
            "rejected": self.rejected,
            "problems": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "batches": self.batch_ids,
            "time_range": self.time_range,
            "dry_run": self.dry_run,
        }


Progress = Callable[[int, int], None]  # (lines read, total lines)


def import_csv(
    *,
    path: Path,
    mapping: Mapping,
    feed: Feed,
    batch_size: int = 1000,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV file; every row ends up accepted, flagged (stored with a flag) or rejected."""
    if feed.kind != mapping.kind:
        raise MappingError(f"kind: the mapping is for {mapping.kind!r} records but feed {feed.slug!r} is {feed.kind!r}")
    validator = pipeline.validator_for(mapping.kind)
    report = ImportReport(dry_run=dry_run)
    datetime_fields = [rule.name for rule in mapping.rules if rule.type == "datetime"]
    total_lines = count_lines(path)
    batch: list[dict[str, Any]] = []
    ids_in_batch: set[Any] = set()

    def flush() -> None:
        if batch and not dry_run:
            report.batch_ids.append(str(services.inbox_batch_accept(feed=feed, records=list(batch)).id))
        batch.clear()
        ids_in_batch.clear()

    for line, row, width_error in csv_rows(path, mapping):
        report.rows += 1
        if progress is not None and report.rows % 500 == 0:
            progress(line, total_lines)
        if width_error:
            report.reject(line, width_error)
            continue
        try:
            record = mapping.record_from_row(row)
        except CellError as exc:
            report.reject(line, str(exc))
            continue
        serializer = validator(data=record)
        if not serializer.is_valid():
            report.reject(line, describe_errors(serializer.errors))
            continue
        _count_location(report, record)
        _track_times(report, serializer.validated_data, datetime_fields)
        if record.get("external_id") in ids_in_batch or len(batch) >= batch_size:
            flush()  # a later row for the same id is an update: it goes in the next batch
        batch.append(record)
        ids_in_batch.add(record.get("external_id"))
    flush()
    if progress is not None:
        progress(total_lines, total_lines)
    return report


def csv_rows(path: Path, mapping: Mapping) -> Iterator[tuple[int, dict[str, str], str]]:
    """(first line, column → cell, problem) per non-empty row; a missing column raises MappingError."""
    with path.open(newline="", encoding=mapping.encoding, errors="strict") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        delimiter = mapping.delimiter or _sniff_delimiter(sample, columns=len(mapping.header or ()))
        reader = csv.reader(handle, delimiter=delimiter)
        if mapping.header is None:
            header = [name.strip() for name in next(reader, [])]
            missing = sorted(mapping.columns() - set(header))
            if missing:
                raise MappingError(f"columns: {path.name} has no column(s) {missing}; its header is {header}")
        else:
            header = list(mapping.header)
        previous_end = reader.line_num
        may_repeat_header = mapping.header is not None
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if may_repeat_header:
                may_repeat_header = False
                if _names_columns(cells, header):
                    continue  # the file carries a header row after all: the mapping's own names, not data
            if len(cells) != len(header):
                yield start, {}, f"row has {len(cells)} cells but the header has {len(header)}"
                continue
            yield start, dict(zip(header, cells, strict=True)), ""


def _names_columns(cells: list[str], header: list[str]) -> bool:
    return [cell.strip().lower() for cell in cells] == [name.lower() for name in header]


def _sniff_delimiter(sample: str, *, columns: int = 0) -> str:
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    if columns:
        # The mapping names the columns: the delimiter is the one that splits a row into that many cells.
        fitting = [d for d in SNIFF_DELIMITERS if len(next(csv.reader([first_line], delimiter=d))) == columns]
        if len(fitting) == 1:
            return fitting[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return ","


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) or 1


def _count_location(report: ImportReport, record: dict[str, Any]) -> None:
    _, status = locate(record.get("latitude"), record.get("longitude"))
    if status == LocationStatus.MISSING:
        report.flagged_missing += 1
    elif status == LocationStatus.OUT_OF_AREA:
        report.flagged_out_of_area += 1
    else:
        report.accepted += 1


def _track_times(report: ImportReport, data: dict[str, Any], names: list[str]) -> None:
    for name in names:
        value = data.get(name)
        if value is None:
            continue
        text = value.isoformat()
        span = report.time_range.setdefault(name, [text, text])
        # Compare instants, not strings: rows may carry different UTC offsets (DST).
        if value < datetime.fromisoformat(span[0]):
            span[0] = text
        if value > datetime.fromisoformat(span[1]):
            span[1] = text


def describe_errors(errors: dict[str, Any]) -> str:
    return "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in errors.items())
