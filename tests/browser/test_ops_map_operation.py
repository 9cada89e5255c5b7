"""Scoping the ops map to a large-event operation in headless Chromium: choosing the operation
draws its outline and keeps only the incidents and alerts inside it (live ones too); the
correlation panel asks the API with the operation; "Whole city" brings everything back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from alerts.services import alert_raise_or_update
from operations.models import Operation
from tests.browser.helpers import browser_user, in_own_thread, problems, screenshot, sign_in
from tests.factories import IncidentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SQUARE = [(-87.96, 43.04), (-87.94, 43.04), (-87.94, 43.06), (-87.96, 43.06), (-87.96, 43.04)]
INSIDE = Point(-87.95, 43.05, srid=4326)
OUTSIDE = Point(-87.90, 43.10, srid=4326)


def _alert(key: str, location: Point) -> None:
    def run() -> None:
        with transaction.atomic():
            alert_raise_or_update(type="geofence", source_key=key, priority=3, title=f"Alert {key}", location=location)

    in_own_thread(run)


def test_operation_scope_narrows_incidents_alerts_and_correlation(page: Page, asgi_server: str, make_user: Any) -> None:
    supervisor = make_user("scope-supervisor", Role.SUPERVISOR)
    now = timezone.now()
    operation = Operation.objects.create(
        name="Summerfest",
        area=MultiPolygon(Polygon(SQUARE), srid=4326),
        area_source="GeoJSON",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
        created_by=supervisor,
    )
    inside = IncidentFactory(external_id="IN-1", priority=3, location=INSIDE)
    IncidentFactory(external_id="OUT-1", priority=3, location=OUTSIDE)
    _alert("in", INSIDE)
    _alert("out", OUTSIDE)

    sign_in(page, asgi_server, browser_user(make_user, "scope-analyst", Role.ANALYST))
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    incidents, alerts = page.locator("#incident-list li[data-incident-id]"), page.locator("li[data-alert-id]")
    expect(incidents).to_have_count(2)
    expect(alerts).to_have_count(2)

    page.select_option("#operation-scope", str(operation.pk))
    expect(page.locator("path.operation-outline")).to_have_count(1)
    expect(incidents).to_have_count(1)
    expect(page.locator(f"#incident-list li[data-incident-id='{inside.pk}']")).to_be_visible()
    expect(alerts).to_have_count(1)
    expect(alerts.first).to_contain_text("Alert in")
    expect(page.locator("#open-total")).to_have_text("1")  # the counters follow the scope
    expect(page.locator("#alert-total")).to_have_text("1")

    # Live: a new alert outside the operation stays off the scoped panel, one inside appears.
    _alert("out-live", OUTSIDE)
    _alert("in-live", INSIDE)
    expect(alerts).to_have_count(2, timeout=5000)
    expect(page.locator("li[data-alert-id]", has_text="Alert out-live")).to_have_count(0)

    with page.expect_request(lambda request: "/api/v1/correlation/" in request.url) as asked:
        alerts.filter(has_text="Alert in-live").locator("[data-action=correlate]").click()
    assert f"operation={operation.pk}" in asked.value.url
    screenshot(page, "ops-map-operation-scope.png")

    page.select_option("#operation-scope", "")
    expect(page.locator("path.operation-outline")).to_have_count(0)
    expect(incidents).to_have_count(2)
    expect(alerts).to_have_count(4)
    assert problems(page) == []
