"""Bulletin journey in headless Chromium against a real uvicorn: an analyst writes a BOLO on the form and
submits it (no dissemination form before approval); a supervisor approves it; the analyst logs a
dissemination and the log shows it. Screenshots of the form, the pending and disseminated pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from bulletins.models import Dissemination
from tests.browser.helpers import browser_user, launch_chromium, open_page, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def second_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def test_bolo_from_draft_to_dissemination(
    page: Page, second_page: Page, asgi_server: str, make_user: Callable[..., Any]
) -> None:
    analyst = browser_user(make_user, "bolo-analyst", Role.ANALYST)
    supervisor = browser_user(make_user, "bolo-sup", Role.SUPERVISOR)

    sign_in(page, asgi_server, analyst, path="/bulletins/")
    page.locator("nav summary", has_text="Casework").click()  # the nav groups casework pages
    expect(page.locator("nav a", has_text="Bulletins")).to_be_visible()
    page.locator("nav summary", has_text="Casework").click()
    page.click("text=New bulletin")
    page.select_option("#id_kind", "bolo")
    page.fill("#id_title", "Stolen grey Camry used in armed robbery")
    page.fill("#id_summary", "Two suspects robbed a liquor store on W North Ave at 21:10 and fled east.")
    page.fill("#id_subjects", "name: unknown male\ndescription: 20s, red hoodie\n\nname: unknown female\ndob: 30s")
    page.fill("#id_vehicles", "plate: ABC1234\nstate: WI\nmake: Toyota\nmodel: Camry\ncolour: grey")
    page.fill("#id_lat", "43.0605")
    page.fill("#id_lon", "-87.9520")
    page.fill("#id_contact_name", "RTCC watch desk")
    expires = timezone.localtime() + timedelta(days=2)
    page.fill("#id_expires_at", expires.strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "bulletin_form.png")
    page.click("#bulletin-form button[type=submit]")
    expect(page.locator("#bulletin-status")).to_have_text("Draft")
    expect(page.locator("#disseminate-btn")).to_have_count(0)
    page.click("#submit-btn")
    expect(page.locator("#bulletin-status")).to_have_text("Pending approval")
    expect(page.locator("#approve-btn")).to_have_count(0)
    screenshot(page, "bulletin_pending.png")
    detail = page.url

    sign_in(second_page, asgi_server, supervisor, path="/bulletins/")
    second_page.goto(detail)
    second_page.click("#approve-btn")
    expect(second_page.locator("#bulletin-status")).to_have_text("Approved")

    page.reload()
    page.fill("#id_recipients", "District 3 and 5 patrol; MCSO dispatch")
    page.select_option("#id_channel", "email")
    page.click("#disseminate-btn")
    expect(page.locator("#bulletin-status")).to_have_text("Disseminated")
    expect(page.locator("#dissemination-log")).to_contain_text("District 3 and 5 patrol")
    screenshot(page, "bulletin_disseminated.png")
    assert Dissemination.objects.get().by.username == analyst
    assert problems(page) == [] and problems(second_page) == []
