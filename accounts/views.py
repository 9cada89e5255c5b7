"""Sign-in and sign-out, the activity ping, a person's own sessions and security page, user administration."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import mfa_services, selectors, session_services
from accounts.mfa_views import NEW_CODES_SESSION_KEY
from accounts.permissions import CapabilityActionView, capability_required
from accounts.services import user_unlock
from accounts.throttle import login_post_allowed
from cameras.ratelimit import client_ip
from rtcc.errors import ApplicationError, render_application_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not login_post_allowed(client_ip(request)):
            message = "Too many sign-in attempts from this address. Wait a minute and try again."
            return render(request, "accounts/lockout.html", {"message": message}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        session_services.user_login_audit(
            user=form.get_user(), session_key=self.request.session.session_key, ip=client_ip(self.request)
        )
        return response


class LogoutView(auth_views.LogoutView):
    pass


class ActivityView(CapabilityActionView):
    """Real input on a page (static/js/activity.js): the session middleware counts this POST as activity."""

    capability = "accounts.signin"

    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=204)


@capability_required("accounts.self")
def sessions(request: HttpRequest) -> HttpResponse:
    """The signed-in person's open sessions: device, address, start, last activity; sign out one or the others."""
    rows = list(selectors.sessions_active_of(user=request.user))  # type: ignore[arg-type]
    current = selectors.session_key_hash(request.session.session_key or "")
    return render(request, "accounts/sessions.html", {"sessions": rows, "current_hash": current})


class SessionRevokeView(CapabilityActionView):
    capability = "accounts.self"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            session_services.user_session_revoke(actor=request.user, user=request.user, session_id=pk)  # type: ignore[arg-type]
        except ApplicationError as exc:
            return render_application_error(request, exc)
        messages.success(request, "That session is signed out.")
        return redirect("account-sessions")


class SessionsRevokeOthersView(CapabilityActionView):
    capability = "accounts.self"

    def post(self, request: HttpRequest) -> HttpResponse:
        count = session_services.user_sessions_revoke_all(
            actor=request.user,  # type: ignore[arg-type]
            user=request.user,  # type: ignore[arg-type]
            keep_session_key=request.session.session_key,
        )
        messages.success(request, f"Signed out {count} other session{'s' if count != 1 else ''}.")
        return redirect("account-sessions")


@capability_required("accounts.self")
def security(request: HttpRequest) -> HttpResponse:
    """Own second-factor status and recovery codes left; make a new set of codes."""
    context = {
        "enrolled": selectors.mfa_confirmed_device(user=request.user) is not None,  # type: ignore[arg-type]
        "codes_left": selectors.recovery_codes_left(user=request.user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/security.html", context)


class RecoveryCodesRegenerateView(CapabilityActionView):
    capability = "accounts.self"

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            codes = mfa_services.mfa_recovery_regenerate(user=request.user)  # type: ignore[arg-type]
        except ApplicationError as exc:
            return render_application_error(request, exc)
        request.session[NEW_CODES_SESSION_KEY] = codes
        return redirect("/accounts/mfa/recovery-codes/?next=/accounts/security/")


@capability_required("accounts.manage")
def users(request: HttpRequest) -> HttpResponse:
    """User administration: roles, MFA, lockout and session status; unlock, revoke sessions, reset MFA."""
    return render(request, "accounts/users.html", {"rows": selectors.users_for_admin()})


def _target(pk: int) -> Any:
    return get_object_or_404(get_user_model(), pk=pk)


class UserUnlockView(CapabilityActionView):
    capability = "accounts.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(pk)
        user_unlock(actor=request.user, user=target)  # type: ignore[arg-type]
        messages.success(request, f"{target.get_username()} can sign in again.")
        return redirect("account-users")


class UserSessionsRevokeView(CapabilityActionView):
    capability = "accounts.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(pk)
        keep = request.session.session_key if target.pk == request.user.pk else None
        count = session_services.user_sessions_revoke_all(actor=request.user, user=target, keep_session_key=keep)  # type: ignore[arg-type]
        messages.success(request, f"Signed out {count} session{'s' if count != 1 else ''} of {target.get_username()}.")
        return redirect("account-users")


class UserMfaResetView(CapabilityActionView):
    capability = "accounts.manage"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = _target(pk)
        if target.pk == request.user.pk:
            messages.error(request, "Reset your own authenticator through another admin.")
            return redirect("account-users")
        mfa_services.mfa_reset(actor=request.user, user=target)  # type: ignore[arg-type]
        messages.success(request, f"{target.get_username()} will set up a new authenticator at the next sign-in.")
        return redirect("account-users")
