"""Shift reports in headless Chromium: a supervisor opens the list and one report (screenshots
shift-reports.png, shift-report.png), then the print rendering (shift-report-print.png, .pdf):
black on white, no navigation, nothing blocked by the CSP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from analytics.shift_reports import write_due_reports
from tests.analytics.test_shift_reports import NOW, seed_night
from tests.browser.helpers import OUTPUT_DIR, browser_user, launch_chromium, open_page, problems, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def test_supervisor_reads_and_prints_a_shift_report(page: Page, asgi_server: str, make_user: Any) -> None:
    seed_night(make_user)
    assert len(write_due_reports(now=NOW)) == 6
    username = browser_user(make_user, "sup", Role.SUPERVISOR)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    sign_in(page, asgi_server, username, path="/analytics/shift-reports/")
    rows = page.locator("#shift-report-table tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Night · Wed 2026-10-14")
    expect(rows.first.locator("td").nth(2)).to_have_text("12")  # incidents received
    expect(page.locator("#monthly-month")).to_have_value("2026-10")  # today is in November 2026
    page.screenshot(path=str(OUTPUT_DIR / "shift-reports.png"), full_page=True)

    rows.first.locator("a").click()
    expect(page.locator("h1")).to_have_text("Night shift · Wednesday 2026-10-14")
    expect(page.locator("#report-window")).to_contain_text("2026-10-14 23:00 to 2026-10-15 07:00 CDT")
    expect(page.locator("#fig-incidents .num")).to_have_text("12")
    expect(page.locator("#fig-open .num")).to_have_text("3")
    expect(page.locator("#fig-lpr .num")).to_have_text("3 / 2")
    expect(page.locator("#top-incidents tbody tr")).to_have_count(10)
    expect(page.locator("#top-incidents tbody tr").first).to_contain_text("26-1001")
    expect(page.locator("#handover-notes li")).to_have_count(2)
    expect(page.locator("#signed-on li")).to_have_count(2)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"  # dark ops theme
    page.screenshot(path=str(OUTPUT_DIR / "shift-report.png"), full_page=True)

    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('#top-incidents td')).color") == "rgb(0, 0, 0)"
    assert page.locator(".topbar").is_hidden()
    assert page.locator(".no-print").is_hidden()
    page.screenshot(path=str(OUTPUT_DIR / "shift-report-print.png"), full_page=True)
    page.pdf(path=str(OUTPUT_DIR / "shift-report-print.pdf"))
    assert problems(page) == []
