"""Wall display in headless Chromium: the wall signs in at "/", lands on /wall/, and a new
priority-1 call takes the focus (banner + map centre) on its own, with no click."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents import services as incident_services
from tests.browser.helpers import (
    PASSWORD,
    browser_user,
    in_own_thread,
    problems,
    screenshot,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _upsert(external_id: str, **fields: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    def run() -> None:
        with transaction.atomic():
            item = incident_services.incident_data_normalise(
                data={"external_id": external_id, "call_type": "SHOOTING", "received_at": timezone.now(), **fields}
            )
            incident_services.incidents_upsert(source="wall-cad", items=[item])

    in_own_thread(run)


def test_new_priority_one_call_takes_the_wall_focus(page: Page, asgi_server: str, make_user: Any) -> None:
    username = browser_user(make_user, "wall-display", Role.WALL)
    _upsert("W-OLD", priority=3, address="1 OLD ST", latitude=43.03, longitude=-87.93)
    page.goto(f"{asgi_server}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{asgi_server}/wall/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator("#wall-focus")).to_be_hidden()
    assert page.evaluate("window.rtccWall.markerCount()") == 1

    _upsert("W-P1", priority=1, address="2400 N 35TH ST", latitude=43.0612, longitude=-87.9561)
    focus = page.locator("#wall-focus")
    expect(focus).to_be_visible(timeout=5000)
    expect(focus).to_contain_text("SHOOTING")
    expect(focus).to_contain_text("2400 N 35TH ST")
    expect(page.locator("#wall-urgent li")).to_have_count(1)
    page.wait_for_function(
        "() => { const c = window.rtccWall.map.getCenter();"
        " return Math.abs(c.lat - 43.0612) < 0.002 && Math.abs(c.lng + 87.9561) < 0.002; }",
        timeout=10000,
    )
    page.wait_for_timeout(1500)  # let the fly-to animation settle for the picture
    screenshot(page, "wall-p1-focus.png")

    # A closed call leaves the wall at once (nothing piles up over days), and so does its focus.
    _upsert("W-P1", priority=1, status="closed")
    expect(focus).to_be_hidden(timeout=5000)
    page.wait_for_function("() => window.rtccWall.markerCount() === 1", timeout=5000)
    assert problems(page) == []
