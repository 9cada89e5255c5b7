"""Large-event workspace end to end in headless Chromium against a real uvicorn: a supervisor
creates an operation from a pasted polygon, opens its workspace, sees the incident inside it (and
not the one outside), appends to the log, and sees an analyst's entry arrive live."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from operations.models import Operation, OperationLogEntry
from operations.services import log_append
from tests.browser.helpers import browser_user, in_own_thread, problems, screenshot, sign_in
from tests.factories import IncidentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
# A square of ~1.6 x 2.2 km around Milwaukee's lakefront festival grounds.
POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-87.905, 43.025], [-87.885, 43.025], [-87.885, 43.045], [-87.905, 43.045], [-87.905, 43.025]]],
}


@pytest.fixture
def supervisor_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "ops-supervisor", Role.SUPERVISOR)


def test_supervisor_creates_operation_and_works_in_its_workspace(
    page: Page, asgi_server: str, supervisor_login: str, make_user: Callable[..., Any]
) -> None:
    inside = IncidentFactory(
        external_id="MKE-INSIDE", call_type="FIGHT", priority=2, location=Point(-87.895, 43.035, srid=4326)
    )
    IncidentFactory(external_id="MKE-OUTSIDE", call_type="THEFT", priority=3, location=Point(-87.95, 43.05, srid=4326))
    analyst = make_user("ops-analyst", Role.ANALYST)

    sign_in(page, asgi_server, supervisor_login, path="/operations/")
    now = timezone.localtime()
    page.fill("#id_name", "Summerfest day 1")
    page.fill("#id_description", "Main gates and the lakefront")
    page.fill("#id_starts_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_area_geojson", json.dumps(POLYGON))
    page.click("#operation-form button[type=submit]")

    operation = Operation.objects.get()
    expect(page).to_have_url(f"{asgi_server}/operations/{operation.pk}/")
    expect(page.locator("#op-status")).to_have_text("Active")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(page.locator(f"#incident-list li[data-incident='{inside.pk}']")).to_contain_text("MKE-INSIDE")
    expect(page.locator("#incident-list li")).to_have_count(1)
    expect(page.locator(f".incident-{inside.pk}")).to_have_count(1)
    expect(page.locator("path.operation-area")).to_have_count(1)

    page.select_option("#log-kind", "decision")
    page.fill("#log-text", "Close gate C, crowd diverted to gate D")
    page.click("#log-form button[type=submit]")
    expect(page.locator("#log-list li")).to_have_count(1)
    expect(page.locator("#log-list li").first).to_contain_text("Close gate C")

    in_own_thread(lambda: log_append(actor=analyst, operation=operation, text="Unit 12 on scene at gate D"))
    expect(page.locator("#log-list li")).to_have_count(2, timeout=5_000)
    expect(page.locator("#log-list li").last).to_contain_text("ops-analyst")
    expect(page.locator("#log-total")).to_have_text("2")
    page.wait_for_timeout(2600)  # let the highlight of the fresh entry fade before the screenshot
    screenshot(page, "operation_workspace.png")

    assert OperationLogEntry.objects.filter(operation=operation).count() == 2
    page.click("text=All operations")
    expect(page.locator(f"tr[data-operation='{operation.pk}']")).to_contain_text("Summerfest day 1")
    screenshot(page, "operation_list.png")
    assert problems(page) == []
