"""The real sign-in journey with MFA required, in headless Chromium against uvicorn: password →
enrolment page with a server-drawn QR code → code computed from the shown key → recovery codes →
the ops map, live. Plus screenshots of the enrolment, sessions and users pages."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from tests.accounts.helpers import confirmed_device, current_code
from tests.browser.helpers import PASSWORD as BROWSER_PASSWORD
from tests.browser.helpers import browser_user, launch_chromium, open_page, problems, screenshot
from tests.conftest import start_uvicorn, stop_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.mfa]


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[str]:
    process, base = start_uvicorn("uvicorn-mfa", env={"RTCC_MFA_REQUIRED": "1"})
    yield base
    stop_process(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    yield from open_page(browser, server)


def password_step(page: Page, base: str, username: str, path: str) -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", BROWSER_PASSWORD)
    page.click("button[type=submit]")


def test_first_sign_in_enrols_the_authenticator_then_opens_the_map(page: Page, server: str, make_user: Any) -> None:
    username = browser_user(make_user, "mfa-analyst", Role.ANALYST)
    password_step(page, server, username, "/ops/")
    expect(page).to_have_url(f"{server}/accounts/mfa/enrol/?next=%2Fops%2F")
    expect(page.locator(".qr svg")).to_be_visible()
    setup_key = page.locator("#setup-key").inner_text().strip()
    screenshot(page, "mfa-enrol.png")
    page.fill("#id_code", f"{totp(b32decode(setup_key)):06d}")
    page.click("button.primary")
    expect(page).to_have_url(f"{server}/accounts/mfa/recovery-codes/?next=%2Fops%2F")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, "mfa-recovery-codes.png")
    page.click("#continue")
    expect(page).to_have_url(f"{server}/ops/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    assert problems(page) == []


def test_enrolled_user_verifies_and_sees_sessions_and_users_pages(page: Page, server: str, make_user: Any) -> None:
    username = browser_user(make_user, "mfa-admin", Role.ADMIN)
    admin = get_user_model().objects.get(username=username)
    device = confirmed_device(admin)
    locked = make_user("ana-2", Role.ANALYST)
    confirmed_device(locked)
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.create(
        username=locked.username,
        ip_address="10.0.0.9",
        user_agent="test",
        attempt_time=timezone.now(),
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    password_step(page, server, username, "/accounts/sessions/")
    expect(page).to_have_url(f"{server}/accounts/mfa/verify/?next=%2Faccounts%2Fsessions%2F")
    page.fill("#id_code", current_code(device))
    page.click("button.primary")
    expect(page).to_have_url(f"{server}/accounts/sessions/")
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    expect(page.locator("#sessions")).to_contain_text("this browser")
    screenshot(page, "account-sessions.png")
    page.goto(f"{server}/accounts/users/")
    row = page.locator('tr[data-username="ana-2"]')
    expect(row.locator(".tag.bad")).to_have_text("locked")
    screenshot(page, "account-users.png")
    row.get_by_role("button", name="Unlock").click()
    expect(page.locator(".notice")).to_contain_text("ana-2 can sign in again")
    expect(page.locator('tr[data-username="ana-2"] .tag.bad')).to_have_count(0)
    assert problems(page) == []
