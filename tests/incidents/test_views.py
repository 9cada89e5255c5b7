"""The ops map page: config passed through json_script, no inline script with data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client


@pytest.mark.django_db
def test_ops_map_passes_config_as_json_script(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    response = client.get("/ops/")
    assert response.status_code == 200
    html = response.content.decode()
    config = json.loads(re.search(r'<script id="ops-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["layerUrl"] == "/api/v1/incidents/layer/"
    assert config["socketPath"] == "/ws/ops/"
    assert config["tileUrl"] == ""
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline == [], "inline scripts break a strict Content-Security-Policy"


@pytest.mark.django_db
def test_login_page_rejects_wrong_password_with_a_message(analyst: Any) -> None:
    response = Client().post("/accounts/login/", {"username": "ana", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_wrong_role_gets_a_friendly_403_page(norole_user: Any) -> None:
    client = Client()
    client.force_login(norole_user)
    response = client.get("/ops/")
    assert response.status_code == 403
    assert "Your role does not give access" in response.content.decode()
