"""A supervisor's dashboard in headless Chromium: the charts are drawn (Chart.js from our static
files, nothing blocked by the CSP, no console error), a filter change reloads the page with the new
filter, a row's drill link opens the records; screenshots and a print rendering in the output dir."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from analytics.rollups import refresh_rollups
from cases.models import Case, CaseLink
from tests.browser.helpers import OUTPUT_DIR, browser_user, launch_chromium, open_page, problems, screenshot, sign_in
from tests.factories import IncidentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# True when the canvas holds at least one non-transparent pixel.
CANVAS_PAINTED = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
  return false;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def world(make_user: Any) -> str:
    """Incidents over the last days, two of them assisted; rollups refreshed."""
    now = timezone.now()
    lead = make_user("case-lead", Role.ANALYST)
    incidents = [
        IncidentFactory(call_type=call_type, district=district, received_at=now - dt.timedelta(days=days, hours=1))
        for call_type, district, days in [
            ("THEFT", "1", 1),
            ("THEFT", "2", 2),
            ("BURGLARY", "1", 3),
            ("SHOTS FIRED", "3", 4),
            ("THEFT", "3", 6),
        ]
    ]
    case = Case.objects.create(number="RTCC-BR-1", title="Theft", lead=lead, created_by=lead)
    for incident in incidents[:2]:
        CaseLink.objects.create(case=case, kind="incident", object_id=incident.pk, added_by=lead)
    refresh_rollups(full=True)
    return browser_user(make_user, "sup-browser", Role.SUPERVISOR)


def test_supervisor_dashboard_draws_charts_and_reloads_on_filter_change(
    page: Page, asgi_server: str, world: str
) -> None:
    sign_in(page, asgi_server, world, path="/analytics/assists/")
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_have_attribute("data-drawn", "true")
    assert canvases.count() >= 1
    assert canvases.first.evaluate(CANVAS_PAINTED) is True
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 18, 32)"
    assert page.locator("#as-of").inner_text().startswith("Figures as of incident counts")
    assert problems(page) == []
    screenshot(page, "analytics-dashboard.png")
    page.screenshot(path=str(OUTPUT_DIR / "analytics-dashboard-full.png"), full_page=True)

    with page.expect_navigation():
        page.select_option("#f-bucket", "week")
    assert "bucket=week" in page.url
    expect(page.locator("#f-bucket")).to_have_value("week")
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "true")
    assert problems(page) == []

    with page.expect_navigation():
        page.locator("a.drill").first.click()
    assert "/analytics/drill/incidents/" in page.url
    expect(page.locator("#drill-table tbody tr").first).to_be_visible()
    assert problems(page) == []
    screenshot(page, "analytics-drill.png")


def test_dashboard_prints_light_without_controls(page: Page, asgi_server: str, world: str) -> None:
    sign_in(page, asgi_server, world, path="/analytics/assists/")
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "true")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.locator("#dash-filters").is_hidden()
    page.pdf(path=str(OUTPUT_DIR / "analytics-dashboard.pdf"))
    assert problems(page) == []
