from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from accounts.selectors import mfa_confirmed_device


class Command(BaseCommand):
    help = "Demo and development only: print a user's current authenticator code (refused with DEBUG off)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("mfa_code reads second-factor secrets: refused with DJANGO_DEBUG=0")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"username: no user called {options['username']!r}")
        device = mfa_confirmed_device(user=user)
        if device is None:
            raise CommandError(f"{user.get_username()} has no confirmed authenticator (run manage.py demo_mfa)")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
