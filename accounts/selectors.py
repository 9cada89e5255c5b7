"""Reads for accounts: session limits, a user's sessions, the user administration list."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.models import Session
from django.db.models import CharField, Count, Func, Max, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import SessionEndReason
from accounts.models import UserSession
from accounts.roles import Role, roles_of

# Session data keys (seconds since the epoch): when the person signed in, and their last
# user-initiated request. Kept in the session itself so checking them costs no query.
LOGIN_AT = "rtcc_login_at"
SEEN_AT = "rtcc_seen_at"


class Sha256Hex(Func):
    """SHA-256 hex digest in SQL with PostgreSQL's built-in sha256() (Django's SHA256 needs pgcrypto)."""

    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
    output_field = CharField()


def session_key_hash(session_key: str) -> str:
    """SHA-256 of a session key: what we store and name groups by (the key itself is a credential)."""
    return hashlib.sha256(session_key.encode()).hexdigest()


def session_limit_reason(
    *, session: Mapping[str, Any], user: AbstractBaseUser | AnonymousUser, now: float
) -> SessionEndReason | None:
    """IDLE or ABSOLUTE when the session has outlived a limit, else None.

    The wall role has its own absolute limit and no idle limit (it runs unattended and
    read-only). Roles are only looked up once a staff limit has passed, so the common
    case costs nothing.
    """
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        return None
    seen_at = session.get(SEEN_AT, login_at)
    elapsed, idle = now - login_at, now - seen_at
    if elapsed <= min(settings.SESSION_COOKIE_AGE, settings.RTCC_WALL_SESSION_SECONDS) and (
        idle <= settings.RTCC_IDLE_TIMEOUT_SECONDS
    ):
        return None
    wall = Role.WALL in roles_of(user)
    if elapsed > (settings.RTCC_WALL_SESSION_SECONDS if wall else settings.SESSION_COOKIE_AGE):
        return SessionEndReason.ABSOLUTE
    if not wall and idle > settings.RTCC_IDLE_TIMEOUT_SECONDS:
        return SessionEndReason.IDLE
    return None


def live_key_hashes() -> QuerySet[Session, str]:
    """Hashes of the session keys Django still holds unexpired (computed in PostgreSQL)."""
    return (
        Session.objects.filter(expire_date__gt=timezone.now())
        .annotate(key_hash=Sha256Hex("session_key"))
        .values_list("key_hash", flat=True)
    )


def sessions_active_of(*, user: AbstractBaseUser) -> QuerySet[UserSession]:
    """A user's sessions not ended and still held by Django, newest activity first."""
    return UserSession.objects.filter(user_id=user.pk, ended_at__isnull=True, key_hash__in=live_key_hashes()).order_by(
        "-last_activity_at"
    )


def session_get_of(*, user: AbstractBaseUser, session_id: int) -> UserSession | None:
    return sessions_active_of(user=user).filter(pk=session_id).first()


def mfa_confirmed_device(*, user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: AbstractBaseUser) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def locked_usernames(*, now: datetime | None = None) -> set[str]:
    """Usernames django-axes currently refuses (failure limit reached within the cool-off)."""
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            attempt_time__gte=since, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    roles: list[str]
    is_active: bool
    mfa_enrolled: bool
    recovery_codes_left: int
    locked: bool
    active_sessions: int
    last_activity_at: datetime | None


def users_for_admin() -> list[UserRow]:
    """Every account with role, MFA, lockout and session status (for /accounts/users/)."""
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related("groups")
        .annotate(
            open_sessions=Count(
                "rtcc_sessions",
                filter=Q(rtcc_sessions__ended_at__isnull=True, rtcc_sessions__key_hash__in=live_key_hashes()),
            ),
            last_seen=Max("rtcc_sessions__last_activity_at"),
        )
    )
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    codes: dict[int, int] = {}
    for device in StaticDevice.objects.filter(confirmed=True).annotate(left=Count("token_set")):
        codes[device.user_id] = device.left  # type: ignore[attr-defined]
    locked = locked_usernames()
    role_names = set(Role.values)
    return [
        UserRow(
            id=user.pk,
            username=user.get_username(),
            roles=sorted(group.name for group in user.groups.all() if group.name in role_names),
            is_active=user.is_active,
            mfa_enrolled=user.pk in enrolled,
            recovery_codes_left=codes.get(user.pk, 0),
            locked=user.get_username() in locked,
            active_sessions=user.open_sessions,  # type: ignore[attr-defined]
            last_activity_at=user.last_seen,  # type: ignore[attr-defined]
        )
        for user in users
    ]
