"""Auditor pages in headless Chromium against a real uvicorn: filter the trail, open a row's
before/after, export, and review an anomaly flag; no console errors (CSP included), dark theme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from audit.choices import FlagStatus
from audit.models import AuditEvent, AuditFlag
from audit.services import audit_record
from tests.browser.helpers import browser_user, launch_chromium, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def trail(make_user: Callable[..., Any]) -> dict[str, Any]:
    analyst = make_user("ana-browser", Role.ANALYST)
    for n in range(8):
        audit_record(
            actor=analyst,
            action="lpr.search",
            object_ref="lpr_read",
            purpose="stolen_vehicle",
            case_number=f"CAD-26-{n:04d}",
            details={"criteria": {"plate_pattern": "ABC123"}, "result_count": n},
        )
    change = audit_record(
        actor=analyst,
        action="admin.change",
        object_ref="incidents.calltype:4",
        details={
            "model": "incidents.calltype",
            "before": {"code": "ROB", "description": "Robbery"},
            "after": {"code": "ROB", "description": "Armed robbery"},
            "changed": ["description"],
        },
    )
    audit_record(actor=None, action="retention.purge", object_ref="lpr", details={"reads": {"rows_removed": 120}})
    evidence = list(AuditEvent.objects.filter(action="lpr.search").order_by("seq").values_list("id", flat=True))[:3]
    now = timezone.now()
    flag = AuditFlag.objects.create(
        kind="repeat_plate",
        user=analyst,
        key="ABC123",
        day=timezone.localdate(now),
        window_start=now - dt.timedelta(days=6),
        window_end=now,
        count=3,
        first_event_at=now - dt.timedelta(hours=2),
        last_event_at=now,
        event_ids=evidence,
        details={"plate": "ABC123", "threshold": 3},
    )
    return {"change": change, "flag": flag}


def test_supervisor_filters_the_trail_reads_a_change_and_reviews_a_flag(
    page: Page, asgi_server: str, make_user: Callable[..., Any], trail: dict[str, Any]
) -> None:
    username = browser_user(make_user, "sup-browser", Role.SUPERVISOR)
    sign_in(page, asgi_server, username, "/audit/")
    rows = page.locator("#audit-table tbody tr")
    expect(rows.first).to_contain_text("auth.login")  # newest first: this sign-in
    expect(rows.filter(has_text="retention.purge")).to_contain_text("system")
    expect(rows.filter(has_text="lpr.search")).to_have_count(8)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 18, 32)"
    screenshot(page, "audit-trail.png")

    page.select_option("#f-action", "admin.change")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-table tbody tr")).to_have_count(1)
    page.click(f"a[href='/audit/events/{trail['change'].pk}/']")
    expect(page.locator("#audit-changes tr.changed")).to_contain_text("Armed robbery")
    screenshot(page, "audit-event.png")

    page.goto(f"{asgi_server}/audit/anomalies/")
    flag = page.locator(f"#flag-{trail['flag'].pk}")
    expect(flag).to_contain_text("ABC123")
    flag.locator("summary").click()
    expect(flag.locator("tbody tr")).to_have_count(3)
    screenshot(page, "audit-anomalies.png")
    flag.locator("textarea").fill("Same stolen car across three shifts; legitimate.")
    flag.locator("button[type=submit]").click()
    expect(page.locator(f"#flag-{trail['flag'].pk}")).to_have_count(0)  # open flags only
    trail["flag"].refresh_from_db()
    assert trail["flag"].status == FlagStatus.REVIEWED
    assert problems(page) == []
