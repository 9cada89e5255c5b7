"""Two analysts' alert panels side by side (two browser contexts): a new P1 alert appears on both within
2 s with the sound indicator (each clicked "Enable sound"); A acknowledges; B sees "Acknowledged by A"
without a reload; B cannot take an alert A took (409 naming A, shown in the panel)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from alerts.choices import AlertType
from alerts.models import Alert
from alerts.services import alert_raise_or_update
from tests.browser.helpers import browser_user, in_own_thread, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def page_a(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def page_b(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def _raise(number: int, priority: int, type: str = AlertType.SHOTS_FIRED) -> int:
    def run() -> int:
        with transaction.atomic():
            return alert_raise_or_update(
                type=type,
                source_key=f"panel:{number}",
                priority=priority,
                title=f"Shots fired · panel test {number}",
            ).pk

    return int(in_own_thread(run))


def test_two_analysts_see_the_same_alert_sound_and_who_holds_it(
    page_a: Page, page_b: Page, asgi_server: str, make_user: Any
) -> None:
    alice = browser_user(make_user, "alice", Role.ANALYST)
    bruno = browser_user(make_user, "bruno", Role.ANALYST)
    for page, user in ((page_a, alice), (page_b, bruno)):
        sign_in(page, asgi_server, user)
        expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
        page.get_by_role("button", name="Enable sound").click()
        expect(page.locator("[data-role=sound]")).to_have_attribute("data-enabled", "true")

    alert_id = _raise(1, priority=1)
    rows = [page.locator(f'li[data-alert-id="{alert_id}"]') for page in (page_a, page_b)]
    for row in rows:
        expect(row).to_be_visible(timeout=2_000)
        expect(row).to_have_attribute("data-sounded", "true", timeout=2_000)
        expect(row.locator(".bell")).to_be_visible()
        expect(row.locator("[data-holder]")).to_have_text("New")
    for page in (page_a, page_b):
        expect(page.locator("[data-role=sounding]")).to_be_visible()

    rows[0].get_by_role("button", name="Acknowledge").click()
    expect(rows[0].locator("[data-holder]")).to_have_text("Acknowledged by alice", timeout=2_000)
    expect(rows[1].locator("[data-holder]")).to_have_text("Acknowledged by alice", timeout=2_000)
    expect(rows[1]).to_have_attribute("data-status", "acknowledged")

    # A takes it; B's Take button disappears live; B's stale click path is refused by the server (409).
    rows[0].get_by_role("button", name="Take").click()
    expect(rows[1].locator("[data-holder]")).to_have_text("Assigned to alice", timeout=2_000)
    expect(rows[1].get_by_role("button", name="Take")).to_have_count(0)
    conflict = page_b.evaluate(
        """async (url) => {
          const token = document.cookie.split("; ").find((p) => p.startsWith("csrftoken=")).slice(10);
          const headers = {"X-CSRFToken": token, "Content-Type": "application/json"};
          const r = await fetch(url, {method: "POST", headers, body: "{}"});
          return [r.status, (await r.json()).error];
        }""",
        f"/api/v1/alerts/{alert_id}/assign/",
    )
    assert conflict[0] == 409 and "held by alice" in conflict[1]

    # A low-priority alert is listed but does not sound.
    quiet_id = _raise(2, priority=4)
    quiet = page_b.locator(f'li[data-alert-id="{quiet_id}"]')
    expect(quiet).to_be_visible(timeout=2_000)
    assert quiet.get_attribute("data-sounded") is None

    # B adds a note to the quiet alert: A's row shows the count live.
    quiet.get_by_role("button", name="Notes").click()
    notes_dialog = page_b.locator("#alert-notes-dialog")
    notes_dialog.locator("textarea[name=text]").fill("Checked camera 14: nothing visible")
    notes_dialog.get_by_role("button", name="Add note").click()
    expect(notes_dialog).to_be_hidden()
    expect(page_a.locator(f'li[data-alert-id="{quiet_id}"]').get_by_role("button", name="Notes (1)")).to_be_visible(
        timeout=2_000
    )

    # A mutes geofence alerts (reason + expiry): B sees the mute; a P1 geofence alert is listed dimmed, silent.
    page_a.locator("[data-role=mute]").click()
    mute_dialog = page_a.locator("#alert-mute-dialog")
    mute_dialog.locator("select[name=type]").select_option("geofence")
    mute_dialog.locator("input[name=reason]").fill("Zone drawn wrong, being fixed")
    mute_dialog.get_by_role("button", name="Mute").click()
    expect(page_b.locator("[data-role=mutes] li")).to_contain_text("Zone drawn wrong", timeout=2_000)
    muted_id = _raise(3, priority=1, type=AlertType.GEOFENCE)
    muted = page_b.locator(f'li[data-alert-id="{muted_id}"]')
    expect(muted).to_have_attribute("data-muted", "true", timeout=2_000)
    assert muted.get_attribute("data-sounded") is None

    screenshot(page_a, "alert_panel_analyst_a.png")
    screenshot(page_b, "alert_panel_analyst_b.png")

    # A resolves with a disposition and a note; the row lingers resolved on B's screen, then leaves.
    rows[0].get_by_role("button", name="Resolve").click()
    dialog = page_a.locator("#alert-resolve-dialog")
    dialog.locator("select[name=disposition]").select_option("actionable")
    dialog.locator("textarea[name=note]").fill("Units on scene")
    dialog.get_by_role("button", name="Resolve").click()
    expect(rows[1]).to_have_class(re.compile(r"\bresolved\b"), timeout=2_000)
    expect(rows[1]).to_have_count(0, timeout=10_000)
    assert Alert.objects.get(pk=alert_id).disposition == "actionable"
    assert problems(page_a) == []
    # Only the refused take (the browser logs a failed request itself, too).
    assert [p for p in problems(page_b) if "409" not in p] == []
