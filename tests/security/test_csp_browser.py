"""Every main screen under the strict Content-Security-Policy, in headless Chromium on a real uvicorn:
no violation events, no console errors, and the ops map still draws markers and goes live."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from cases.services import case_open
from tests.browser.helpers import browser_user, in_own_thread, open_page, problems, sign_in
from tests.conftest import start_uvicorn, stop_process
from tests.factories import IncidentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Recorded by an init script (injected by the test's browser, so the page's CSP does not apply to it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(scope="module")
def csp_server(django_db_setup: None) -> Iterator[str]:
    """Its own uvicorn: the second factor is off here (this journey is about the CSP, not sign-in)."""
    process, url = start_uvicorn("uvicorn-csp", env={"RTCC_MFA_REQUIRED": "0"})
    yield url
    stop_process(process)


@pytest.fixture
def csp_page(browser: Browser, csp_server: str) -> Iterator[Page]:
    yield from open_page(browser, csp_server)


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))


@pytest.fixture
def everyone(make_user: Any) -> Any:
    """One account holding every staff role (and the wall's), so one sign-in reaches every screen."""
    user = get_user_model().objects.get(username=browser_user(make_user, "csp-all", Role.ADMIN))
    for role in (Role.ANALYST, Role.SUPERVISOR, Role.WALL, Role.AUDITOR):
        user.groups.add(Group.objects.get(name=role.value))
    return user


def test_every_screen_works_under_the_csp(csp_page: Page, csp_server: str, everyone: Any) -> None:
    page, asgi_server = csp_page, csp_server
    incident: Any = IncidentFactory(external_id="CSP-1")
    case = in_own_thread(lambda: case_open(actor=everyone, title="CSP check"))
    page.add_init_script(LISTEN)
    sign_in(page, asgi_server, everyone.username)

    # The ops map: the seeded incident's marker is drawn and the live socket connects.
    response = page.goto(f"{asgi_server}/ops/")
    assert response is not None
    header = response.all_headers()["content-security-policy"]
    assert "script-src 'self'" in header and "unsafe-inline" not in header and "unsafe-eval" not in header
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(page.locator(f"path.incident-marker.incident-{incident.id}")).to_be_visible(timeout=10_000)
    assert violations(page) == []

    screens = {
        "/wall/": "#conn",
        "/alerts/desk/": "main",
        f"/cases/{case.id}/": "main",
        "/rules/new/": "main",
        "/lpr/search/": "main",
        "/cameras/review/": "main",
        "/cameras/import/": "main",
        "/cameras/register/": ".leaflet-container",
        "/feeds/health/": "main",
        "/feeds/import/": "main",
        "/lpr/hits/": "main",
        "/lpr/hotlists/": "main",
        "/lpr/purges/": "main",
        "/cases/": "main",
        f"/cases/{case.id}/evidence/new/": "main",
        "/bulletins/": "main",
        "/bulletins/new/": "main",
        "/operations/": "main",
        "/rules/": "main",
        "/shifts/": "main",
        "/accounts/sessions/": "main",
        "/accounts/security/": "main",
        "/accounts/users/": "main",
        "/audit/": "main",
        "/audit/anomalies/": "main",
        "/analytics/assists/": "canvas",  # Chart.js draws under script-src 'self'
        "/analytics/alerts/": "main",
        "/analytics/lpr/": "main",
        "/analytics/hotspots/": ".leaflet-container",
        "/analytics/shift-reports/": "main",
        "/analytics/drill/incidents/": "main",
        "/admin/": "#content",
        "/admin/cameras/camera/add/": ".leaflet-container",  # django-leaflet's widget: nonce'd script
        "/api/docs/": ".swagger-ui .info",
    }
    seen: dict[str, list[str]] = {}
    for path, ready in screens.items():
        page.goto(f"{asgi_server}{path}")
        expect(page.locator(ready).first).to_be_visible(timeout=10_000)
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    assert seen == {path: [] for path in screens}
    assert problems(page) == []
