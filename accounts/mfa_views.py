"""Second-factor pages: enrol (QR + setup key), verify, recovery code, new recovery codes shown once."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import mfa_services
from accounts.forms import CodeForm, RecoveryCodeForm
from accounts.permissions import capability_required
from accounts.qr import qr_svg
from accounts.selectors import mfa_confirmed_device
from rtcc.errors import ApplicationError

NEW_CODES_SESSION_KEY = "rtcc_new_recovery_codes"


def next_url(request: HttpRequest) -> str:
    """Where to go after this step: a local `next`, else the landing page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


def _step(url_name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url(request)})}")


def _error(form: CodeForm | RecoveryCodeForm, exc: ApplicationError) -> None:
    form.add_error("code", exc.message.removeprefix("code: "))


@capability_required("accounts.signin")
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: show the secret (QR + setup key), confirm it with a code, then show recovery codes."""
    if mfa_confirmed_device(user=request.user) is not None:  # type: ignore[arg-type]
        return _step("mfa-verify", request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa_services.mfa_enrol_confirm(request=request, user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ApplicationError as exc:
            _error(form, exc)
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            return _step("mfa-recovery-codes", request)
    device = mfa_services.mfa_enrolment_device(user=request.user)  # type: ignore[arg-type]
    context = {
        "form": form,
        "setup_key": mfa_services.setup_key(device),
        "qr_svg": qr_svg(device.config_url),
        "next": next_url(request),
    }
    return render(request, "accounts/mfa_enrol.html", context, status=400 if form.errors else 200)


@capability_required("accounts.signin")
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa_services.mfa_verify(request=request, user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ApplicationError as exc:
            _error(form, exc)
        else:
            return redirect(next_url(request))
    context = {
        "form": form,
        "enrolled": mfa_confirmed_device(user=request.user) is not None,  # type: ignore[arg-type]
        "next": next_url(request),
    }
    return render(request, "accounts/mfa_verify.html", context, status=400 if form.errors else 200)


@capability_required("accounts.signin")
def mfa_recovery(request: HttpRequest) -> HttpResponse:
    """Sign in with a one-time recovery code when the phone is not at hand."""
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = mfa_services.mfa_recovery_use(request=request, user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ApplicationError as exc:
            _error(form, exc)
        else:
            left = device.token_set.count()
            messages.warning(request, f"Recovery code used. {left} left: make new ones under Security if you are low.")
            return redirect(next_url(request))
    return render(
        request,
        "accounts/mfa_recovery.html",
        {"form": form, "next": next_url(request)},
        status=400 if form.errors else 200,
    )


@capability_required("accounts.signin")
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: they are removed from the session as the page is drawn."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": next_url(request)})
