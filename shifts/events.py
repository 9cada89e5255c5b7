"""Events of the shift log, on the role streams of the roles that read it (shifts.read).

Not on "ops": the wall display follows "ops" and must not show handover notes.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from accounts.roles import CAPABILITIES
from rtcc.outbox import record_events
from rtcc.realtime import role_stream
from shifts.models import HandoverNote

ShiftEventType = Literal["shift.handover.created", "shift.duty.changed"]


class NotePayload(TypedDict):
    id: int
    shift_date: str
    shift: str
    author: str
    text: str
    open_items: str
    watch_items: str
    created_at: str


class DutyPayload(TypedDict):
    shift_date: str
    shift: str
    on_duty: list[str]
    count: int


def note_payload(note: HandoverNote) -> NotePayload:
    return NotePayload(
        id=note.pk,
        shift_date=note.shift_date.isoformat(),
        shift=note.shift,
        author=note.author.get_username(),
        text=note.text,
        open_items=note.open_items,
        watch_items=note.watch_items,
        created_at=note.created_at.isoformat(),
    )


def _publish(event_type: ShiftEventType, payload: dict[str, object]) -> None:
    for role in sorted(CAPABILITIES["shifts.read"]):
        record_events(stream=role_stream(role), events=[(event_type, payload)])


def publish_handover_created(note: HandoverNote) -> None:
    _publish("shift.handover.created", dict(note_payload(note)))


def publish_duty_changed(payload: DutyPayload) -> None:
    _publish("shift.duty.changed", dict(payload))
