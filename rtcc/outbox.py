"""Write events to the outbox inside the caller's transaction and broadcast them after commit.

Event `seq` values must become visible in increasing order, otherwise a client asking for
"events after N" could skip one that commits late. A transaction-scoped advisory lock taken
before inserting makes writers of events commit one after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from rtcc import realtime
from rtcc.models import OutboxEvent
from rtcc.signals import events_committed

OUTBOX_LOCK_KEY = 7_201_001


def record_events(*, stream: str, events: Sequence[tuple[str, dict[str, Any]]]) -> list[OutboxEvent]:
    """Insert events in the current transaction; they are broadcast after it commits."""
    if not events:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change it describes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OUTBOX_LOCK_KEY])
    rows = OutboxEvent.objects.bulk_create(
        [OutboxEvent(type=event_type, stream=stream, payload=payload) for event_type, payload in events]
    )
    messages = [event_message(row) for row in rows]
    types = sorted({row.type for row in rows})

    def after_commit() -> None:
        realtime.broadcast(stream=stream, messages=messages)
        # Receivers enqueue follow-up work (e.g. the rules run); a failing one is logged, not raised.
        events_committed.send_robust(sender=OutboxEvent, types=types)

    transaction.on_commit(after_commit)
    return rows


def event_message(row: OutboxEvent) -> dict[str, Any]:
    """The JSON shape of an event, identical over WebSocket and the catch-up API."""
    return {"seq": row.seq, "type": row.type, "payload": row.payload, "at": row.created_at.isoformat()}
