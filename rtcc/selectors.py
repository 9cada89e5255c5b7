"""Reads of the outbox for catch-up after a reconnect."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max

from accounts.roles import has_capability
from rtcc.models import OutboxEvent
from rtcc.outbox import event_message

STREAM_CAPABILITY = {"ops": "ops.view"}


def streams_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """Event streams the user may receive."""
    return [stream for stream, capability in STREAM_CAPABILITY.items() if has_capability(user, capability)]


def events_after(
    *, user: AbstractBaseUser | AnonymousUser, after: int, limit: int
) -> tuple[list[dict[str, Any]], int, bool]:
    """Events with seq > after on the user's streams: (events, latest seq, whether more remain)."""
    streams = streams_visible_to(user=user)
    rows = list(OutboxEvent.objects.filter(stream__in=streams, seq__gt=after).order_by("seq")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return [event_message(row) for row in rows], latest_seq(), has_more


def latest_seq() -> int:
    return OutboxEvent.objects.aggregate(m=Max("seq"))["m"] or 0
