"""Which validator and which domain handler serve each feed kind.

A handler takes a feed and a list of already-validated records, writes them set-based and
idempotently inside the caller's transaction, and returns the records it could not process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.utils.module_loading import import_string

from feeds.choices import FeedKind
from feeds.models import Feed


@dataclass(frozen=True)
class RecordFailure:
    index: int
    external_id: str
    error: str


@dataclass
class HandlerResult:
    processed: int = 0
    failures: list[RecordFailure] = field(default_factory=list)
    newest_event_at: datetime | None = None  # the latest event time among processed records (feed lag)

    def saw(self, *moments: datetime | None) -> None:
        for moment in moments:
            if moment is not None and (self.newest_event_at is None or moment > self.newest_event_at):
                self.newest_event_at = moment


def validate_records(
    records: list[dict[str, Any]], serializer_class: type, result: HandlerResult, *, id_field: str = "external_id"
) -> list[tuple[int, dict[str, Any]]]:
    """Re-check stored records (the schema may have changed since accept); failures go to `result`."""
    valid: list[tuple[int, dict[str, Any]]] = []
    for index, record in enumerate(records):
        serializer = serializer_class(data=record)
        if serializer.is_valid():
            valid.append((index, dict(serializer.validated_data)))
        else:
            record_id = str(record.get(id_field, "")) if isinstance(record, dict) else ""
            result.failures.append(RecordFailure(index, record_id, f"invalid record: {serializer.errors}"))
    return valid


class Handler(Protocol):
    def __call__(self, *, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult: ...


_PIPELINES: dict[str, tuple[str, str]] = {
    FeedKind.CAD: ("incidents.ingest.CadRecordSerializer", "incidents.ingest.cad_records_process"),
    FeedKind.SHOTS: ("shots.ingest.ShotsRecordSerializer", "shots.ingest.shots_records_process"),
    FeedKind.CAP: ("cap.ingest.CapRecordSerializer", "cap.ingest.cap_records_process"),
    FeedKind.GPS: ("monitoring.ingest.PingRecordSerializer", "monitoring.ingest.ping_records_process"),
    FeedKind.LPR: ("lpr.ingest.LprRecordSerializer", "lpr.ingest.lpr_records_process"),
}


def supported_kinds() -> list[str]:
    return list(_PIPELINES)


def validator_for(kind: str) -> type:
    return import_string(_PIPELINES[kind][0])


def handler_for(kind: str) -> Callable[..., HandlerResult]:
    return import_string(_PIPELINES[kind][1])
