from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from accounts.roles import roles_of
from feeds.selectors import feed_get_by_api_key
from incidents.models import CallType, Incident
from tests.factories import IncidentFactory


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_closes_calls_left_open(tmp_path: Any, settings: Any) -> None:
    settings.DEBUG = True
    key_file = tmp_path / "cad-feed.key"
    call_command("demo_setup", "--key-file", str(key_file))
    key = key_file.read_text().strip()
    assert feed_get_by_api_key(key=key).slug == "milwaukee-cad"
    assert CallType.objects.count() == 145
    from django.contrib.auth import get_user_model

    assert roles_of(get_user_model().objects.get(username="analyst")) == {"analyst"}

    left_open = IncidentFactory(source="milwaukee-cad", status="dispatched")
    call_command("demo_setup", "--key-file", str(key_file))
    assert key_file.read_text().strip() == key  # the existing key is kept
    left_open.refresh_from_db()
    assert left_open.status == "closed"
    assert Incident.objects.filter(status="closed").count() == 1


@pytest.mark.django_db
def test_demo_setup_refuses_production_mode(settings: Any, tmp_path: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(SystemExit):
        call_command("demo_setup", "--key-file", str(tmp_path / "k"))
