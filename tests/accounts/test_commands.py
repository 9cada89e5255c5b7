from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.roles import roles_of


@pytest.mark.django_db
def test_grant_role_gives_exactly_one_role(norole_user: Any) -> None:
    users = get_user_model().objects
    call_command("grant_role", norole_user.username, "supervisor")
    assert roles_of(users.get(pk=norole_user.pk)) == {"supervisor"}
    call_command("grant_role", norole_user.username, "admin")
    admin = users.get(pk=norole_user.pk)
    assert roles_of(admin) == {"admin"} and admin.is_staff


@pytest.mark.django_db
def test_grant_role_names_the_bad_argument() -> None:
    with pytest.raises(CommandError, match="username"):
        call_command("grant_role", "ghost", "analyst")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("grant_role", "ghost", "chief")
