"""Writes for the second factor: TOTP enrolment and verification, one-time recovery codes, reset."""

from __future__ import annotations

from base64 import b32encode

import django_otp
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from rtcc.errors import Conflict, InvalidInput

DEVICE_NAME = "Authenticator app"


def setup_key(device: TOTPDevice) -> str:
    """The device secret as the base32 setup key authenticator apps accept."""
    return b32encode(device.bin_key).decode()


def _clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def mfa_enrolment_device(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed TOTP device being set up (one per user; the same secret until it is confirmed)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("An authenticator is already set up for this account.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def mfa_enrol_confirm(*, request: HttpRequest, user: AbstractBaseUser, code: str) -> list[str]:
    """Confirm the new device with a code from the app, verify this session, return fresh recovery codes."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise Conflict("Start the set-up again: no authenticator is waiting for confirmation.")
        # A failure is committed (audit row, django-otp's throttle counter) before it is raised.
        accepted = device.verify_token(_clean_code(code))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            codes = _recovery_codes_replace(user=user)
            audit_record(actor=user, action="mfa.enrolled", object_ref=f"totp:{device.pk}")
        else:
            audit_record(actor=user, action="mfa.failed", details={"step": "enrolment"})
    if not accepted:
        raise InvalidInput("code: that code is not right. Check the time on your phone and try the newest code.")
    return codes


def mfa_verify(*, request: HttpRequest, user: AbstractBaseUser, code: str) -> TOTPDevice:
    """Second step of signing in: a code from the confirmed authenticator marks the session verified."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise Conflict("No authenticator is set up for this account yet.")
        accepted = device.verify_token(_clean_code(code))
        if accepted:
            django_otp.login(request, device)
            audit_record(actor=user, action="mfa.verified", object_ref=f"totp:{device.pk}")
        else:
            audit_record(actor=user, action="mfa.failed", details={"step": "verify"})
    if not accepted:
        raise InvalidInput("code: that code is not right. Try the newest code from your authenticator app.")
    return device


def mfa_recovery_use(*, request: HttpRequest, user: AbstractBaseUser, code: str) -> StaticDevice:
    """Sign in with a one-time recovery code instead of the app; the code is used up."""
    with transaction.atomic(durable=True):
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        accepted = device is not None and device.verify_token(_clean_code(code))
        if device is not None and accepted:
            django_otp.login(request, device)
            audit_record(
                actor=user,
                action="mfa.recovery_used",
                object_ref=f"static:{device.pk}",
                details={"codes_left": device.token_set.count()},
            )
        else:
            audit_record(actor=user, action="mfa.failed", details={"step": "recovery"})
    if device is None or not accepted:
        raise InvalidInput("code: that recovery code is not valid (each code works once).")
    return device


def _recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RTCC_MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_recovery_regenerate(*, user: AbstractBaseUser) -> list[str]:
    """New set of recovery codes (the old ones stop working); shown to the user once."""
    with transaction.atomic(durable=True):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise Conflict("Set up an authenticator first.")
        codes = _recovery_codes_replace(user=user)
        audit_record(actor=user, action="mfa.recovery_regenerated")
    return codes


def mfa_reset(*, actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    """Admin: remove a user's authenticator and recovery codes; they enrol again at next sign-in.

    Their open sessions end too, so a stolen verified session does not outlive the reset.
    """
    from accounts.session_services import user_sessions_revoke_all

    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor, action="mfa.reset", object_ref=f"user:{user.pk}", details={"user": user.get_username()}
        )
    user_sessions_revoke_all(actor=actor, user=user)


def mfa_enrol_for_demo(*, user: AbstractBaseUser) -> TOTPDevice:
    """Demo only: a confirmed authenticator (existing one kept, so printed setup keys stay valid)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
            _recovery_codes_replace(user=user)
    return device
