"""Reads of the outbox for catch-up after a reconnect."""

from __future__ import annotations

import time
from typing import Any

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Max, TextField
from django.db.models.functions import Cast
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.roles import has_capability, roles_of
from accounts.selectors import session_limit_reason
from rtcc import realtime
from rtcc.models import OutboxEvent

STREAM_CAPABILITY = {"ops": "ops.stream", "admin": "admin.alerts"}


def streams_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """Event streams the user may receive: shared ones by capability, plus their role and personal streams.

    Role and personal streams carry events meant for a distribution list (e.g. an unverified LPR
    hit goes only to the hotlist's roles and users until someone verifies it).
    """
    streams = [stream for stream, capability in STREAM_CAPABILITY.items() if has_capability(user, capability)]
    if streams:
        streams += [realtime.role_stream(role) for role in sorted(roles_of(user))]
        streams.append(realtime.user_stream(user.pk))  # type: ignore[arg-type]
    return streams


def events_after(
    *, user: AbstractBaseUser | AnonymousUser, after: int, limit: int
) -> tuple[list[dict[str, Any]], int, bool]:
    """Events with seq > after on the user's streams: (events, latest seq, whether more remain)."""
    streams = streams_visible_to(user=user)
    # Rows, not model instances, and each payload as the JSON text PostgreSQL holds, spliced into
    # the page unparsed (orjson.Fragment): a page of 5,000 after a reconnect is encoded in
    # milliseconds. The shape is rtcc.outbox.event_message's (tests/rtcc/test_events_api.py).
    rows = list(
        OutboxEvent.objects.filter(stream__in=streams, seq__gt=after)
        .order_by("seq")
        .annotate(payload_json=Cast("payload", TextField()))
        .values_list("seq", "type", "payload_json", "created_at")[: limit + 1]
    )
    has_more = len(rows) > limit
    events = [
        {"seq": seq, "type": kind, "payload": orjson.Fragment(payload), "at": at.isoformat()}
        for seq, kind, payload, at in rows[:limit]
    ]
    return events, latest_seq(), has_more


def latest_seq() -> int:
    return OutboxEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def socket_close_code(*, user_id: int, session_key: str | None) -> int | None:
    """Re-check an open socket: 4401 when the user or session is gone, past its idle/absolute limit or
    not OTP-verified (when MFA is required); 4403 when no stream is left."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 4401
    if session_key is not None:
        store = SessionStore(session_key)
        if not store.exists(session_key):
            return 4401
        data = store.load()
        if session_limit_reason(session=data, user=user, now=time.time()) is not None:
            return 4401
        if settings.RTCC_MFA_REQUIRED and not data.get(DEVICE_ID_SESSION_KEY):
            return 4401
    if not streams_visible_to(user=user):
        return 4403
    return None
