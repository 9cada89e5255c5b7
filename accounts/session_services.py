"""Writes for sign-in sessions: start on login, activity, end (sign-out, limits, revocation)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.choices import SessionEndReason
from accounts.models import UserSession
from accounts.selectors import LOGIN_AT, SEEN_AT, Sha256Hex, session_key_hash
from audit.services import audit_record
from rtcc import realtime
from rtcc.errors import NotFound

END_AUDIT_ACTION = {
    SessionEndReason.LOGOUT: "auth.logout",
    SessionEndReason.IDLE: "session.expired_idle",
    SessionEndReason.ABSOLUTE: "session.expired_absolute",
    SessionEndReason.REVOKED: "session.revoked",
}


def user_session_start(*, user: AbstractBaseUser, session: SessionBase, ip: str | None, user_agent: str) -> UserSession:
    """Record a sign-in: stamp the session with its login time and keep a row people can see and revoke."""
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if session.session_key is None:
        session.save()
    assert session.session_key is not None
    at = datetime.fromtimestamp(now, tz=UTC)
    row, _ = UserSession.objects.update_or_create(
        key_hash=session_key_hash(session.session_key),
        defaults={
            "user_id": user.pk,
            "created_at": at,
            "last_activity_at": at,
            "ip": ip,
            "user_agent": user_agent[:300],
            "ended_at": None,
            "end_reason": "",
            "ended_by": None,
        },
    )
    return row


def user_login_audit(*, user: AbstractBaseUser, session_key: str | None, ip: str | None) -> None:
    """Audit a sign-in with a password (the sign-in form calls this; force_login in tests does not)."""
    row = UserSession.objects.filter(key_hash=session_key_hash(session_key or "")).first()
    audit_record(
        actor=user,
        action="auth.login",
        object_ref=f"session:{row.pk}" if row is not None else "",
        details={"ip": ip or ""},
    )


def user_session_touch(*, session: SessionBase, now: float) -> None:
    """A user-initiated request: move the idle clock (callers do this at most once a minute)."""
    session[SEEN_AT] = now
    if session.session_key:
        UserSession.objects.filter(key_hash=session_key_hash(session.session_key), ended_at__isnull=True).update(
            last_activity_at=datetime.fromtimestamp(now, tz=UTC)
        )


def user_session_end(
    *, user: AbstractBaseUser, session_key: str | None, reason: SessionEndReason, ended_by: AbstractBaseUser | None
) -> UserSession | None:
    """Mark a session ended and audit why (the caller logs the request out). Ending twice is a no-op."""
    key_hash = session_key_hash(session_key) if session_key else ""
    with transaction.atomic():
        row = UserSession.objects.select_for_update().filter(key_hash=key_hash, ended_at__isnull=True).first()
        if row is not None:
            row.ended_at, row.end_reason = timezone.now(), reason
            row.ended_by_id = ended_by.pk if ended_by is not None else None
            row.save(update_fields=["ended_at", "end_reason", "ended_by"])
        audit_record(
            actor=user,
            action=END_AUDIT_ACTION[reason],
            object_ref=f"session:{row.pk}" if row is not None else "",
            details={"user": user.get_username()} if reason != SessionEndReason.LOGOUT else {},
        )
    if key_hash:
        transaction.on_commit(lambda: realtime.session_close_sockets(key_hash=key_hash))
    return row


def _revoke(*, row: UserSession, actor: AbstractBaseUser) -> None:
    row.ended_at, row.end_reason, row.ended_by_id = timezone.now(), SessionEndReason.REVOKED, actor.pk
    row.save(update_fields=["ended_at", "end_reason", "ended_by"])
    # The Django session goes too: the next request of that browser is anonymous.
    Session.objects.annotate(key_hash=Sha256Hex("session_key")).filter(key_hash=row.key_hash).delete()
    audit_record(
        actor=actor,
        action="session.revoked",
        object_ref=f"session:{row.pk}",
        details={"user": row.user.get_username(), "by_self": actor.pk == row.user_id},
    )
    key_hash = row.key_hash
    transaction.on_commit(lambda: realtime.session_close_sockets(key_hash=key_hash))


def user_session_revoke(*, actor: AbstractBaseUser, user: AbstractBaseUser, session_id: int) -> UserSession:
    """End one of `user`'s sessions now (its open WebSockets close with 4401)."""
    with transaction.atomic(durable=True):
        row = (
            UserSession.objects.select_for_update()
            .select_related("user")
            .filter(pk=session_id, user_id=user.pk, ended_at__isnull=True)
            .first()
        )
        if row is None:
            raise NotFound("No such active session.")
        _revoke(row=row, actor=actor)
    return row


def user_sessions_revoke_all(
    *, actor: AbstractBaseUser, user: AbstractBaseUser, keep_session_key: str | None = None
) -> int:
    """End every open session of `user` (except the caller's own, when given); returns how many."""
    keep = session_key_hash(keep_session_key) if keep_session_key else ""
    with transaction.atomic(durable=True):
        rows = list(
            UserSession.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user.pk, ended_at__isnull=True)
            .exclude(key_hash=keep)
        )
        for row in rows:
            _revoke(row=row, actor=actor)
    return len(rows)
