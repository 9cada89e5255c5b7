"""Resilience of the live page: the ASGI server goes away for 10 s while 50 alerts are raised;
when it is back, the page reconnects on its own (back-off), catches up from /api/v1/events/ and
shows all 50 alerts, none twice, without a reload."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from alerts.choices import AlertType
from alerts.services import alert_raise_or_update
from rtcc.selectors import latest_seq
from tests.browser.helpers import browser_user, in_own_thread, open_page, screenshot, sign_in
from tests.conftest import start_uvicorn, stop_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DOWNTIME_SECONDS = 10
ALERTS = 50


@pytest.fixture
def server(django_db_setup: None) -> Iterator[dict[str, Any]]:
    process, base = start_uvicorn("uvicorn-reconnect")
    state = {"process": process, "base": base, "port": int(base.rsplit(":", 1)[1])}
    yield state
    stop_process(state["process"])


@pytest.fixture
def page(browser: Browser, server: dict[str, Any]) -> Iterator[Page]:
    yield from open_page(browser, server["base"])


def _raise(number: int) -> None:
    def run() -> None:
        with transaction.atomic():
            alert_raise_or_update(
                type=AlertType.GEOFENCE,
                source_key=f"reconnect:{number}",
                priority=3,
                title=f"Reconnect alert {number:02d}",
            )

    in_own_thread(run)


def test_page_catches_up_every_alert_raised_while_the_server_was_down(
    page: Page, server: dict[str, Any], make_user: Any
) -> None:
    base = server["base"]
    sign_in(page, base, browser_user(make_user, "reconnect-analyst", Role.ANALYST))
    conn = page.locator("#conn")
    expect(conn).to_have_attribute("data-state", "live", timeout=15000)

    stop_process(server["process"])
    expect(conn).not_to_have_attribute("data-state", "live", timeout=10000)
    started = time.monotonic()
    for number in range(ALERTS):
        _raise(number)
        time.sleep(DOWNTIME_SECONDS / ALERTS)
    time.sleep(max(0.0, DOWNTIME_SECONDS - (time.monotonic() - started)))
    assert page.locator("li[data-alert-id]").count() == 0, "nothing can arrive while the server is down"

    server["process"], _ = start_uvicorn("uvicorn-reconnect", port=server["port"])
    expect(conn).to_have_attribute("data-state", "live", timeout=30000)
    rows = page.locator("li[data-alert-id]")
    expect(rows).to_have_count(ALERTS, timeout=15000)
    ids = page.eval_on_selector_all("li[data-alert-id]", "rows => rows.map(r => r.dataset.alertId)")
    assert len(ids) == len(set(ids)) == ALERTS, "every alert exactly once"
    titles = set(page.eval_on_selector_all("li[data-alert-id]", "rows => rows.map(r => r.textContent)"))
    assert all(any(f"Reconnect alert {n:02d}" in title for title in titles) for n in range(ALERTS))
    page.wait_for_function(f"() => window.rtccLive.lastSeq >= {latest_seq()}", timeout=10000)
    screenshot(page, "ops-after-reconnect.png")
