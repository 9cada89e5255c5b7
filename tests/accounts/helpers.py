"""Signing a test client in the way a person does with MFA: a confirmed TOTP device, an OTP-verified session."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa_services import mfa_enrol_for_demo


def confirmed_device(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator (created, with recovery codes, when missing)."""
    return mfa_enrol_for_demo(user=user)


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app would show now (honours time-machine)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def login_verified(client: Client, user: Any) -> TOTPDevice:
    """force_login plus an OTP-verified session, so MfaRequiredMiddleware lets the client through."""
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
