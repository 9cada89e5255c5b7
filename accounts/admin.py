"""Admin site: django-otp's device admins are removed.

They would show any user's TOTP secret and QR code to an admin (who could then copy someone's
second factor). Admins manage second factors only through /accounts/users/ ("Reset MFA", audited).
"""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
