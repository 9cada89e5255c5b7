"""CSV export of an LPR search: audited like the search itself, at most EXPORT_MAX_ROWS reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Unpack

from audit.services import audit_record
from lpr.models import Read
from lpr.search import (
    EXPORT_MAX_ROWS,
    SearchCriteria,
    SearchParams,
    User,
    _audit_details,
    _bounded_transaction,
    _count_capped,
    _require_search,
    reads_matching,
    search_criteria_check,
)
from rtcc.csv_export import csv_stream, formula_safe

EXPORT_COLUMNS = (
    "read_id",
    "read_at_utc",
    "plate",
    "plate_raw",
    "state",
    "confidence",
    "latitude",
    "longitude",
    "reader_id",
    "reader",
    "direction",
    "vehicle_make",
    "vehicle_model",
    "vehicle_color",
    "vehicle_type",
    "image_ref",
    "legal_hold",
    "case_number",
)


def reads_export(
    *, user: User, purpose: str, case_number: str, **params: Unpack[SearchParams]
) -> tuple[SearchCriteria, Iterator[str]]:
    """Record the export (criteria and row count) in the audit trail; return the CSV text in chunks.

    The file holds at most EXPORT_MAX_ROWS reads, newest first; `limit` does not apply.
    """
    _require_search(user)
    criteria = search_criteria_check(purpose=purpose, case_number=case_number, **params)
    reads = reads_matching(criteria)
    with _bounded_transaction():
        rows, capped = _count_capped(reads, EXPORT_MAX_ROWS)
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="lpr.export",
            object_ref="lpr_read",
            purpose=criteria.purpose,
            case_number=criteria.case_number,
            details=_audit_details(user, criteria, rows, capped),
        )
    selected = reads.select_related("reader")[:EXPORT_MAX_ROWS]
    return criteria, csv_stream(
        EXPORT_COLUMNS,
        ([_csv_cell(value) for value in export_row(read)] for read in selected.iterator(chunk_size=1000)),
    )


def export_row(read: Read) -> list[Any]:
    reader = read.reader if read.reader_id is not None else None
    return [
        read.pk,
        read.read_at.astimezone(dt.UTC).isoformat(),
        read.plate,
        read.plate_raw,
        read.state,
        read.confidence,
        read.location.y if read.location else None,
        read.location.x if read.location else None,
        read.reader_id,
        reader.name if reader else "",
        read.direction,
        read.vehicle_make,
        read.vehicle_model,
        read.vehicle_color,
        read.vehicle_type,
        read.image_ref,
        read.legal_hold,
        read.case_number,
    ]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_safe(value) if isinstance(value, str) else str(value)
