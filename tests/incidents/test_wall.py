"""The wall-display page and role: read-only, its own landing page, a long session."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role


@pytest.fixture
def wall_user(make_user: Any) -> Any:
    return make_user("wall-1", Role.WALL)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_wall_page_passes_config_without_inline_script(wall_user: Any) -> None:
    response = _client(wall_user).get("/wall/")
    assert response.status_code == 200
    html = response.content.decode()
    config = json.loads(re.search(r'<script id="wall-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["socketPath"] == "/ws/ops/"
    assert config["focusSeconds"] == settings.RTCC_WALL_FOCUS_SECONDS
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    # Read-only: no form, no button, no sign-out link to click by accident on a kiosk.
    assert "<form" not in html and "<button" not in html


@pytest.mark.django_db
def test_wall_session_outlives_the_staff_session_limit(wall_user: Any, analyst: Any) -> None:
    wall = _client(wall_user)
    wall.get("/wall/")
    assert wall.session.get_expiry_age() == settings.RTCC_WALL_SESSION_SECONDS > settings.SESSION_COOKIE_AGE
    staff = _client(analyst)
    staff.get("/ops/")
    assert staff.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_home_sends_each_role_to_its_screen(wall_user: Any, analyst: Any) -> None:
    assert _client(wall_user).get("/")["Location"] == "/wall/"
    assert _client(analyst).get("/")["Location"] == "/ops/"
    assert Client().get("/")["Location"] == "/accounts/login/"  # which comes back to "/" after sign-in


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.ADMIN])
def test_staff_are_not_wall_displays(make_user: Any, role: Role) -> None:
    assert _client(make_user(f"staff-{role}", role)).get("/wall/").status_code == 403


@pytest.mark.django_db
def test_wall_role_reads_the_live_picture_and_nothing_else(wall_user: Any) -> None:
    client = _client(wall_user)
    for url in ("/api/v1/incidents/layer/", "/api/v1/shots/layer/", "/api/v1/alerts/", "/api/v1/events/?after=0"):
        assert client.get(url).status_code == 200, url
    for url in ("/ops/", "/lpr/search/", "/api/v1/lpr/hits/", "/api/v1/monitoring/subjects/", "/cameras/review/"):
        assert client.get(url).status_code == 403, url
