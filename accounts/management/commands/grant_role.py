from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import Role
from accounts.services import user_role_set


class Command(BaseCommand):
    help = "Give a user exactly one role (analyst, supervisor or admin), e.g. after createsuperuser."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"username: no user called {options['username']!r}")
        user_role_set(user=user, role=Role(options["role"]))
        self.stdout.write(f"{user.get_username()} is now {options['role']}")
