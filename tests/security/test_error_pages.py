"""Production error pages: our templates, never a traceback or a setting; API errors are JSON."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from tests.security.urls_raise import SECRET_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls_raise")]

LEAKS = ("Traceback", SECRET_DETAIL, "SECRET_KEY", "DATABASES", "RuntimeError", "settings.py")


def assert_no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, leak


@pytest.fixture
def client(analyst: Any, settings: Any) -> Client:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/suspicious/", 400, "Bad request"),
        ("/forbidden/", 403, "Not allowed"),
        ("/no-such-page/", 404, "Not found"),
        ("/boom/", 500, "Server error"),
    ],
)
def test_html_error_pages_are_ours(client: Client, path: str, status: int, title: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    text = response.content.decode()
    assert f"<h1>{title}</h1>" in text
    assert_no_leak(text)
    assert "content-security-policy" in {name.lower() for name in response.headers}


def test_server_error_page_gives_a_reference_that_is_in_the_log(client: Client, caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="rtcc.errors"):
        response = client.get("/boom/")
    text = response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "rtcc.errors"]
    reference = record.args[0]  # type: ignore[index]
    assert f"<code>{reference}</code>" in text
    assert record.exc_info is not None and SECRET_DETAIL in str(record.exc_info[1])


@pytest.mark.parametrize("path", ["/api/v1/boom/", "/api/v1/plain-boom/"])
def test_api_server_error_is_json_with_a_reference(client: Client, caplog: Any, path: str) -> None:
    with caplog.at_level(logging.ERROR, logger="rtcc.errors"):
        response = client.get(path)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "Internal error"
    assert len(body["reference"]) == 12
    assert_no_leak(response.content.decode())
    logged = [r for r in caplog.records if r.name == "rtcc.errors"]
    assert [r.args[2] for r in logged] == [path]  # type: ignore[index]
    assert [r.args[0] for r in logged] == [body["reference"]]  # type: ignore[index]


def test_api_not_found_is_json(client: Client) -> None:
    response = client.get("/api/v1/cases/999999/")
    assert response.status_code == 404
    assert response.json() == {"error": response.json()["error"]}


def test_an_unknown_api_path_is_json_too(client: Client) -> None:
    response = client.get("/api/v1/rules/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "No API endpoint at /api/v1/rules/null,null/."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
