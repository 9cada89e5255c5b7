from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.roles import Role
from alerts.choices import AlertType
from alerts.models import Alert
from alerts.services import alert_raise_or_update

# LPR fixtures for the hit -> alert tests.
from tests.lpr.conftest import hotlist, lpr_feed, reader  # noqa: F401


def raise_alert(number: int = 1, *, priority: int = 2, type: str = AlertType.SHOTS_FIRED, **extra: Any) -> Alert:
    with transaction.atomic():
        return alert_raise_or_update(
            type=type, source_key=f"test:{number}", priority=priority, title=f"Test alert {number}", **extra
        )


def client_for(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def analyst_b(make_user: Any) -> Any:
    user = make_user("bob", Role.ANALYST)
    user.first_name, user.last_name = "Bob", "Baker"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def wall_user(make_user: Any) -> Any:
    return make_user("wall", Role.WALL)
