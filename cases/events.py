"""Events of the cases app: on the role streams of the roles that may read cases (never "ops":
the wall display follows "ops" and has no business with case records)."""

from __future__ import annotations

from typing import Literal

from accounts.roles import CAPABILITIES
from cases.models import Case, CaseLink, CaseLogEntry
from rtcc.outbox import record_events
from rtcc.realtime import role_stream

CaseEventType = Literal["case.opened", "case.updated", "case.log.appended", "case.link.added"]


def case_payload(case: Case) -> dict[str, object]:
    return {"id": case.pk, "number": case.number, "title": case.title, "status": case.status}


def _publish(event_type: CaseEventType, payload: dict[str, object]) -> None:
    for role in sorted(CAPABILITIES["cases.read"]):
        record_events(stream=role_stream(role), events=[(event_type, payload)])


def publish_case_changed(case: Case, *, opened: bool = False) -> None:
    _publish("case.opened" if opened else "case.updated", case_payload(case))


def publish_log_appended(entry: CaseLogEntry) -> None:
    _publish(
        "case.log.appended",
        {"id": entry.pk, "case_id": entry.case_id, "kind": entry.kind, "author": entry.author.get_username()},
    )


def publish_link_added(link: CaseLink) -> None:
    _publish(
        "case.link.added",
        {"id": link.pk, "case_id": link.case_id, "kind": link.kind, "object_id": link.object_id, "label": link.label},
    )
