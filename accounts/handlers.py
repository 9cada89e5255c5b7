"""Interfaces from Django's and django-axes' sign-in signals to the accounts services (audit, sessions)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from accounts.choices import SessionEndReason
from accounts.session_services import user_session_end, user_session_start
from audit.services import audit_record
from cameras.ratelimit import client_ip


def on_logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    user_session_start(
        user=user,
        session=request.session,
        ip=client_ip(request) if "REMOTE_ADDR" in request.META else None,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if request is None or user is None or getattr(request, "rtcc_session_ended", False):
        return
    user_session_end(user=user, session_key=request.session.session_key, reason=SessionEndReason.LOGOUT, ended_by=None)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    actor = get_user_model().objects.filter(username=username).first()
    audit_record(
        actor=actor,
        action="auth.login_failed",
        details={"username": username, "ip": (client_ip(request) or "") if request is not None else ""},
    )


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    actor = get_user_model().objects.filter(username=username or "").first()
    audit_record(actor=actor, action="auth.lockout", details={"username": username or "", "ip": ip_address or ""})
