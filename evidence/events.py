"""Events of the evidence app: on the role streams of the roles that may read evidence."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from accounts.roles import CAPABILITIES
from evidence.models import Evidence
from rtcc.outbox import record_events
from rtcc.realtime import role_stream

EvidenceEventType = Literal["evidence.added", "evidence.changed"]


class EvidencePayload(TypedDict):
    id: int
    case_id: int
    title: str
    legal_hold: bool
    integrity_ok: bool | None


def publish_evidence(evidence: Evidence, *, event_type: EvidenceEventType) -> None:
    """Record the change in the outbox (inside the caller's transaction); sent after commit."""
    payload: dict[str, Any] = dict(
        EvidencePayload(
            id=evidence.pk,
            case_id=evidence.case_id,
            title=evidence.title,
            legal_hold=evidence.legal_hold,
            integrity_ok=evidence.integrity_ok,
        )
    )
    for role in sorted(CAPABILITIES["evidence.read"]):
        record_events(stream=role_stream(role), events=[(event_type, payload)])
