"""`manage.py demo_rules` creates the two example rules of the issue, valid and idempotent."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from rules.models import Rule

pytestmark = pytest.mark.django_db


def test_demo_rules_are_created_once(make_user: Any) -> None:
    from accounts.roles import Role

    make_user("admin", Role.ADMIN)
    call_command("demo_rules", stdout=StringIO())
    out = StringIO()
    call_command("demo_rules", stdout=out)
    assert "kept rule" in out.getvalue()
    rules = {rule.trigger: rule for rule in Rule.objects.all()}
    assert set(rules) == {"incident", "lpr_hit"} and Rule.objects.count() == 2
    armed = rules["incident"]
    assert armed.conditions[0] == {"field": "call_type", "op": "in", "value": ["SHOOTING", "ROBBERY ARMED"]}
    assert armed.actions["attach_cameras"] == 3 and armed.actions["open_correlation"] is True
    assert rules["lpr_hit"].actions["audience"] == {"roles": ["supervisor"], "users": []}
