"""The hotspots page in headless Chromium against a real uvicorn: a supervisor sees the heatmap canvas,
switches to beats and districts (one SVG path per area, coloured by count, tooltip with code and
count), with nothing blocked by the CSP, no console error and no outside request (no tiles)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from analytics.rollups import INCIDENTS, refresh_rollups
from areas.models import Beat, District
from incidents.models import Incident
from tests.analytics.test_hotspots import ROWS, square
from tests.browser.helpers import browser_user, launch_chromium, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PATH = "/analytics/hotspots/"
# Recorded by an init script (the page's CSP does not apply to it), as in tests/security/test_csp_browser.py.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def supervisor_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "hotspots-sup", Role.SUPERVISOR)


def seed() -> None:
    """Beats B1 (D1), B2 and B3 (D2); the 14 incidents of test_hotspots (12 in 2026-11-02..06)."""
    now = timezone.now()
    for code, district, box in [
        ("B1", "D1", (-88.0, 43.0, -87.95, 43.05)),
        ("B2", "D2", (-87.95, 43.0, -87.9, 43.05)),
        ("B3", "D2", (-87.95, 43.05, -87.9, 43.1)),
    ]:
        Beat.objects.create(code=code, district_code=district, area=square(*box), source="t", imported_at=now)
    District.objects.create(
        code="D1", name="North", area=square(-88.0, 43.0, -87.95, 43.05), source="t", imported_at=now
    )
    District.objects.create(code="D2", area=square(-87.95, 43.0, -87.9, 43.1), source="t", imported_at=now)
    for number, (received, beat, district, call_type, final, address, location) in enumerate(ROWS, start=1):
        Incident.objects.create(
            source="test-cad",
            external_id=f"HOTB-{number}",
            call_type=call_type,
            final_call_type=final,
            priority=3,
            received_at=received,
            address=address,
            location=location,
            location_status="ok" if location else "missing",
            beat=beat,
            district=district,
        )
    refresh_rollups(full=True, names=(INCIDENTS,))


def test_supervisor_sees_heatmap_and_choropleth_without_csp_problems(
    page: Page, asgi_server: str, supervisor_login: str
) -> None:
    seed()
    page.add_init_script(LISTEN)
    sign_in(page, asgi_server, supervisor_login, path=PATH)
    page.goto(f"{asgi_server}{PATH}?start=2026-11-02&end=2026-11-06")
    container = page.locator("#hotspots-map")
    expect(container).to_have_attribute("data-ready", "heat", timeout=15_000)
    expect(page.locator("#hotspots-map canvas.leaflet-heatmap-layer")).to_have_count(1)
    # 10 located incidents in 3 cells, 2 without a location left out (see test_hotspots.py).
    expect(page.locator("#hotspots-status")).to_have_text(
        "10 incidents in 3 cells; 2 without a usable location left out."
    )
    expect(page.locator(".hotspots-legend")).to_contain_text("Incidents per cell")
    assert page.locator("#repeat-table tbody tr").count() == 2
    assert page.locator("#repeat-table tbody tr").first.inner_text().startswith("12 N MAIN ST\t4")
    screenshot(page, "hotspots_heatmap.png")

    page.click(".hotspots-modes button[data-mode=beat]")
    expect(container).to_have_attribute("data-ready", "beat", timeout=10_000)
    paths = page.locator("#hotspots-map .leaflet-overlay-pane path[data-code]")
    expect(paths).to_have_count(3)
    expect(page.locator("#hotspots-map canvas.leaflet-heatmap-layer")).to_have_count(0)
    # Five equal-interval classes up to the busiest beat (6) end at 2, 3, 4, 5, 6: B2 (6) is in the
    # top class, B1 (4) in the third, B3 (0) is left unfilled.
    assert page.locator("path[data-code=B2]").get_attribute("fill") == "#bd0026"
    assert page.locator("path[data-code=B1]").get_attribute("fill") == "#fd8d3c"
    assert page.locator("path[data-code=B3]").get_attribute("fill-opacity") == "0.05"
    page.locator("path[data-code=B1]").hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text("B1")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("4 incidents · 33.3%")
    expect(page.locator(".hotspots-legend")).to_contain_text("Incidents per beat")
    expect(page.locator("#hotspots-status")).to_have_text("12 incidents; 2 with no beat drawn.")
    screenshot(page, "hotspots_choropleth.png")

    page.click(".hotspots-modes button[data-mode=district]")
    expect(container).to_have_attribute("data-ready", "district", timeout=10_000)
    expect(page.locator("#hotspots-map .leaflet-overlay-pane path[data-code]")).to_have_count(2)
    assert page.locator(".hotspots-modes button[data-mode=district]").get_attribute("aria-pressed") == "true"

    page.click(".hotspots-modes button[data-mode=heat]")
    expect(container).to_have_attribute("data-ready", "heat", timeout=10_000)
    expect(page.locator("#hotspots-map canvas.leaflet-heatmap-layer")).to_have_count(1)
    csp = page.evaluate("() => window.__cspViolations")
    assert csp == []
    assert problems(page) == []  # no console error, no failed response, no request leaving the server
