"""Shift handover end to end in headless Chromium against a real uvicorn: an analyst signs on and
writes a handover note on /shifts/; a second analyst's ops map (already open) shows the shift badge
update and the handover banner arrive live; dismissing hides it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from shifts.models import HandoverNote
from tests.browser.helpers import browser_user, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def second_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def test_handover_note_shows_live_on_another_analysts_ops_map(
    page: Page, second_page: Page, asgi_server: str, make_user: Callable[..., Any]
) -> None:
    writer = browser_user(make_user, "night-analyst", Role.ANALYST)
    reader = browser_user(make_user, "day-analyst", Role.ANALYST)

    sign_in(second_page, asgi_server, reader)  # the ops map
    expect(second_page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(second_page.locator("#shift-badge .shift-count")).to_have_text("0 on duty", timeout=10_000)
    expect(second_page.locator("#handover-banner")).to_be_hidden()

    sign_in(page, asgi_server, writer, path="/shifts/")
    page.click("#sign-on")
    expect(page.locator("#sign-off")).to_be_visible()
    expect(second_page.locator("#shift-badge .shift-count")).to_have_text("1 on duty", timeout=5_000)

    page.fill("#handover-text", "Quiet overnight; two P1s handled.")
    page.fill("#handover-open", "CAD 26-004512 shooting on N 27th St: footage requested from Corner Mart, not received")
    page.fill("#handover-watch", "Silver Camry plate ABC1234 (hotlist): seen twice near Fond du Lac Ave")
    page.click("#handover-form button[type=submit]")
    expect(page.locator(".shift-card.current .shift-note")).to_have_count(1)
    screenshot(page, "shift_log_page.png")

    banner = second_page.locator("#handover-banner")
    expect(banner).to_be_visible(timeout=5_000)
    expect(banner).to_contain_text("night-analyst")
    expect(banner.locator(".handover-open")).to_contain_text("footage requested from Corner Mart")
    expect(banner.locator(".handover-watch")).to_contain_text("ABC1234")
    screenshot(second_page, "shift_handover_banner.png")
    second_page.click("#handover-banner [data-dismiss]")
    expect(banner).to_be_hidden()

    assert HandoverNote.objects.get().author.username == "night-analyst"
    assert problems(page) == [] and problems(second_page) == []
