"""Session limits (idle, absolute) and the second-factor gate, applied to every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.choices import SessionEndReason
from accounts.selectors import LOGIN_AT, SEEN_AT, mfa_confirmed_device, session_limit_reason
from accounts.session_services import user_session_end, user_session_touch

# The idle clock moves at most this often (one session write per minute of activity, not per request).
ACTIVITY_RESOLUTION_SECONDS = 60
# Paths a signed-in but not yet OTP-verified person may reach.
MFA_OPEN_PREFIXES = ("/accounts/mfa/", "/accounts/login/", "/accounts/logout/", "/static/", "/healthz", "/favicon.ico")
EXPIRY_MESSAGES = {
    SessionEndReason.IDLE: "You were signed out after {minutes} minutes without activity. Sign in again.",
    SessionEndReason.ABSOLUTE: "Your session reached its {hours}-hour limit. Sign in again.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def counts_as_activity(request: HttpRequest) -> bool:
    """Page navigations and state changes are activity; background reads of the API are not.

    The live map polls `/api/v1/...` with GETs on timers; those must not keep an unattended
    session alive. Real input on a page sends POST /accounts/activity/ (static/js/activity.js).
    """
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return not request.path.startswith(("/api/", "/static/", "/ws/"))


class SessionLimitMiddleware:
    """Ends a session after RTCC_IDLE_TIMEOUT_SECONDS without activity or SESSION_COOKIE_AGE after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if LOGIN_AT not in session:
                # A session from before these limits existed: its clock starts now.
                session[LOGIN_AT] = session[SEEN_AT] = now
            reason = session_limit_reason(session=session, user=request.user, now=now)
            if reason is not None:
                return self._expire(request, reason)
            if counts_as_activity(request) and now - session.get(SEEN_AT, 0) >= ACTIVITY_RESOLUTION_SECONDS:
                user_session_touch(session=session, now=now)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: SessionEndReason) -> HttpResponse:
        user_session_end(user=request.user, session_key=request.session.session_key, reason=reason, ended_by=None)  # type: ignore[arg-type]
        request.rtcc_session_ended = True  # type: ignore[attr-defined]  # the logout handler does not audit again
        logout(request)
        message = EXPIRY_MESSAGES[reason].format(
            minutes=settings.RTCC_IDLE_TIMEOUT_SECONDS // 60, hours=settings.SESSION_COOKIE_AGE // 3600
        )
        if is_api(request):
            return JsonResponse({"detail": message, "code": f"session_{reason}"}, status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())


class MfaRequiredMiddleware:
    """With RTCC_MFA_REQUIRED, a session without a verified second factor reaches only the MFA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.RTCC_MFA_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and not request.path.startswith(MFA_OPEN_PREFIXES)
        ):
            if is_api(request):
                return JsonResponse(
                    {"detail": "Multi-factor authentication required: finish signing in with your authenticator code."},
                    status=403,
                )
            step = "mfa-verify" if mfa_confirmed_device(user=user) is not None else "mfa-enrol"  # type: ignore[arg-type]
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
