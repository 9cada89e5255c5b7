"""Case review in headless Chromium against a real uvicorn (the acceptance scene): the supervisor
opens the review queue, reads a case's log, returns it with a comment; the analyst appends an entry
(and a correction) and resubmits; the supervisor approves, and the case page shows it locked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from cases import services
from cases.models import Case
from tests.browser.helpers import browser_user, in_own_thread, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def analyst_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def _submitted_case(analyst_name: str) -> Case:
    analyst = get_user_model().objects.get(username=analyst_name)
    case = services.case_open(
        actor=analyst, title="Armed robbery, N 27th St", summary="Gas station robbery, 2 suspects."
    )
    services.log_append(
        actor=analyst,
        case_id=case.pk,
        kind="camera_reviewed",
        text="Reviewed camera 27th & Wells: suspects leave northbound.",
        action_at=timezone.now() - timedelta(minutes=40),
    )
    services.log_append(
        actor=analyst, case_id=case.pk, kind="info_relayed", text="Relayed direction of travel to units."
    )
    return services.case_submit(actor=analyst, case_id=case.pk)


def test_supervisor_returns_analyst_resubmits_supervisor_approves(
    page: Page, analyst_page: Page, asgi_server: str, make_user: Callable[..., Any]
) -> None:
    sup_name = browser_user(make_user, "case-sup", Role.SUPERVISOR)
    ana_name = browser_user(make_user, "case-ana", Role.ANALYST)
    case: Case = in_own_thread(lambda: _submitted_case(ana_name))

    # Supervisor: the queue, then the case and its log; return it with a comment.
    sign_in(page, asgi_server, sup_name, path="/cases/review/")
    queue = page.locator("#review-queue")
    expect(queue).to_contain_text(case.number)
    screenshot(page, "case-review-queue.png")
    queue.get_by_role("link", name=case.number).click()
    log = page.locator("#case-log li")
    expect(log).to_have_count(3)
    expect(log.nth(0)).to_contain_text("Reviewed camera 27th & Wells")
    expect(log.nth(0)).to_contain_text("recorded")
    page.fill("#return-comment", "Which units? Add the footage request.")
    page.get_by_role("button", name="Return with comment").click()
    expect(page.locator("#case-status")).to_have_text("Open")
    expect(page.locator("#case-log li.kind-returned")).to_contain_text("Which units? Add the footage request.")

    # Analyst: append an entry, correct one, resubmit.
    sign_in(analyst_page, asgi_server, ana_name, path=f"/cases/{case.pk}/")
    expect(analyst_page.locator("#case-log li.kind-returned")).to_contain_text("Which units?")
    analyst_page.select_option("#id_kind", "footage_requested")
    analyst_page.fill("#id_text", "Footage requested from the gas station owner.")
    analyst_page.get_by_role("button", name="Append to log").click()
    expect(analyst_page.locator("#case-log li.kind-footage_requested")).to_have_count(1)
    # An empty entry is refused with a clear message.
    analyst_page.get_by_role("button", name="Append to log").click()
    expect(analyst_page.locator("#case-error")).to_have_text("text: required")
    relayed = analyst_page.locator("#case-log li.kind-info_relayed")
    relayed.get_by_role("link", name="Correct").click()
    expect(analyst_page.locator("#correcting")).to_be_visible()
    analyst_page.fill("#id_text", "Relayed to District 3 units 312 and 315.")
    analyst_page.get_by_role("button", name="Append to log").click()
    expect(relayed).to_have_class("kind-info_relayed corrected")
    expect(relayed).to_contain_text("corrected by #")
    expect(analyst_page.locator("#case-log li.kind-correction")).to_contain_text("corrects #")
    analyst_page.get_by_role("button", name="Submit for review").click()
    expect(analyst_page.locator("#case-status")).to_have_text("Pending review")
    expect(analyst_page.locator("#approve-form")).to_have_count(0)  # analysts cannot approve
    screenshot(analyst_page, "case-analyst-resubmitted.png")

    # Supervisor: approve; the case locks, a later entry is flagged "after approval".
    page.goto(f"{asgi_server}/cases/review/")
    page.locator("#review-queue").get_by_role("link", name=case.number).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#case-status")).to_have_text("Approved")
    expect(page.locator("#locked-note")).to_be_visible()
    page.fill("#id_text", "Arrest made by District 3 the next morning.")
    page.get_by_role("button", name="Append to log").click()
    expect(page.locator("#case-log li").last).to_contain_text("after approval")
    page.locator("#case-log").scroll_into_view_if_needed()
    screenshot(page, "case-approved.png")
    page.goto(f"{asgi_server}/cases/review/")
    expect(page.locator("#review-queue")).to_contain_text("Nothing waiting for review.")
    assert problems(page) == []
    # Only the refused empty entry (its page answers 400, which the console reports too).
    assert problems(analyst_page) == [
        f"HTTP 400: {asgi_server}/cases/{case.pk}/",
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]
    case.refresh_from_db()
    assert case.status == "approved"
    assert list(case.log.order_by("id").values_list("kind", flat=True)) == [
        "camera_reviewed",
        "info_relayed",
        "submitted",
        "returned",
        "footage_requested",
        "correction",
        "submitted",
        "approved",
        "note",
    ]
