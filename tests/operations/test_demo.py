from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from operations.models import Operation, OperationLogEntry

pytestmark = pytest.mark.django_db


def test_demo_operation_is_created_once_then_moved_to_now(make_user: Any) -> None:
    with pytest.raises(CommandError, match="demo_setup first"):
        call_command("demo_operation", stdout=StringIO())
    make_user("supervisor", Role.SUPERVISOR)
    call_command("demo_operation", stdout=StringIO())
    first = Operation.objects.get()
    call_command("demo_operation", stdout=StringIO())
    again = Operation.objects.get()
    assert again.pk == first.pk and again.starts_at > first.starts_at and again.status == "active"
    assert OperationLogEntry.objects.count() == 1
