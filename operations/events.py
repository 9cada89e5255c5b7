"""Events of the operations app: on the role streams of the roles that may read operations.

Not on "ops": the wall display follows "ops" and has no business with operation logs.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from accounts.roles import CAPABILITIES
from operations.models import Operation, OperationLogEntry
from rtcc.outbox import record_events
from rtcc.realtime import role_stream

OperationEventType = Literal["operation.created", "operation.updated", "operation.log.appended"]


class OperationPayload(TypedDict):
    id: int
    name: str
    starts_at: str
    ends_at: str
    status: str


class LogEntryPayload(TypedDict):
    id: int
    operation_id: int
    author: str
    at: str
    recorded_at: str
    kind: str
    text: str
    incident_id: int | None
    alert_id: int | None


def operation_payload(operation: Operation) -> OperationPayload:
    return OperationPayload(
        id=operation.pk,
        name=operation.name,
        starts_at=operation.starts_at.isoformat(),
        ends_at=operation.ends_at.isoformat(),
        status=operation.status.value,
    )


def log_entry_payload(entry: OperationLogEntry) -> LogEntryPayload:
    return LogEntryPayload(
        id=entry.pk,
        operation_id=entry.operation_id,
        author=entry.author.get_username(),
        at=entry.at.isoformat(),
        recorded_at=entry.recorded_at.isoformat(),
        kind=entry.kind,
        text=entry.text,
        incident_id=entry.incident_id,
        alert_id=entry.alert_id,
    )


def _publish(event_type: OperationEventType, payload: dict[str, object]) -> None:
    for role in sorted(CAPABILITIES["operations.read"]):
        record_events(stream=role_stream(role), events=[(event_type, payload)])


def publish_operation_changed(operation: Operation, *, created: bool) -> None:
    _publish("operation.created" if created else "operation.updated", dict(operation_payload(operation)))


def publish_log_appended(entry: OperationLogEntry) -> None:
    _publish("operation.log.appended", dict(log_entry_payload(entry)))
