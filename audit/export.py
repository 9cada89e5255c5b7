"""CSV export of a filtered audit trail: streamed, formula-safe, and itself audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from accounts.roles import has_capability
from audit.models import AuditEvent
from audit.services import audit_record
from rtcc.csv_export import csv_stream, formula_safe
from rtcc.errors import PermissionDenied

EXPORT_COLUMNS = (
    "seq",
    "id",
    "at_utc",
    "user",
    "action",
    "object_ref",
    "purpose",
    "case_number",
    "details",
    "prev_hash",
    "hash",
)
CHUNK_ROWS = 2000


def events_export(*, actor: AbstractBaseUser, events: QuerySet[AuditEvent], filters: dict[str, str]) -> Iterator[str]:
    """Record the export (who, which filters) in the trail, then return the rows as CSV chunks, newest first.

    The hashes are included so an archive can be checked against `audit_verify --expect-head`.
    """
    if not has_capability(actor, "audit.export"):
        raise PermissionDenied("Your role does not allow exporting the audit trail.")
    with transaction.atomic(durable=True):
        audit_record(actor=actor, action="audit.export", object_ref="audit_trail", details={"filters": filters})
    rows = events.values_list(
        "seq",
        "id",
        "at",
        "actor__username",
        "action",
        "object_ref",
        "purpose",
        "case_number",
        "details",
        "prev_hash",
        "hash",
    ).iterator(chunk_size=CHUNK_ROWS)
    return csv_stream(EXPORT_COLUMNS, (_cells(row) for row in rows))


def _cells(row: tuple[Any, ...]) -> list[str]:
    seq, event_id, at, username, action, object_ref, purpose, case_number, details, prev_hash, digest = row
    return [
        str(seq),
        str(event_id),
        at.isoformat(),
        formula_safe(username or "system"),
        formula_safe(action),
        formula_safe(object_ref),
        formula_safe(purpose),
        formula_safe(case_number),
        formula_safe(json.dumps(details, sort_keys=True, ensure_ascii=False)),
        prev_hash,
        digest,
    ]
