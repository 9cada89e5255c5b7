from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.mfa_services import mfa_enrol_for_demo, setup_key
from accounts.roles import Role


class Command(BaseCommand):
    help = "Demo only: give users a confirmed authenticator and print their setup keys (refused with DEBUG off)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="*", help="default: every active user holding a role")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_mfa prints second-factor secrets: refused with DJANGO_DEBUG=0")
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        if options["usernames"]:
            users = users.filter(username__in=options["usernames"])
        else:
            users = users.filter(groups__name__in=Role.values).distinct()
        self.stdout.write(
            "  MFA setup keys (demo only; add to an authenticator app, or run manage.py mfa_code <user>):"
        )
        for user in users:
            device = mfa_enrol_for_demo(user=user)
            self.stdout.write(f"    {user.get_username():<12} {setup_key(device)}")
