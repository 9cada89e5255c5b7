"""Security headers on every kind of response, cookie flags, CSRF on state changes, API docs under CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.fixture
def signed_in(analyst: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    return client


@pytest.mark.parametrize("path", ["/ops/", "/api/v1/incidents/", "/accounts/login/", "/no-such-page/"])
def test_every_response_carries_the_strict_policy_and_headers(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)
    assert directives(response["Content-Security-Policy"]) == STRICT
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_tile_server_origin_is_allowed_for_images_when_configured(settings: Any) -> None:
    from rtcc.settings import _tile_source

    assert _tile_source("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == ["https://*.tiles.example.org"]
    assert _tile_source("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png") == ["http://10.0.0.5:8080"]
    assert _tile_source("/tiles/{z}/{x}/{y}.png") == []


def test_session_and_csrf_cookies_are_flagged(rf: Any) -> None:
    csrf = Client().get("/accounts/login/").cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"

    def view(request: HttpRequest) -> HttpResponse:
        request.session["seen"] = True
        return HttpResponse()

    response: Any = SessionMiddleware(view)(rf.get("/"))
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_state_changes_need_the_csrf_token(signed_in: Client) -> None:
    # The session-authenticated API and the page forms both refuse a POST without the token.
    api = signed_in.post("/api/v1/cases/", {"title": "x"}, content_type="application/json")
    assert api.status_code == 403 and "CSRF" in api.json()["error"]
    page = signed_in.post("/accounts/logout/")
    assert page.status_code == 403


def test_api_docs_script_is_a_separate_file_behind_the_same_capability(signed_in: Client, norole_user: Any) -> None:
    page = signed_in.get("/api/docs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<script>" not in text and "<style>" not in text
    assert 'src="/api/docs/?script="' in text
    script = signed_in.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    anonymous = Client().get("/api/docs/?script=")
    assert anonymous.status_code in (401, 403)
    outsider = Client()
    outsider.force_login(norole_user)
    assert outsider.get("/api/docs/?script=").status_code == 403
