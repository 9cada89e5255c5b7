"""Shared pieces of the Playwright journeys: Debian Chromium, a 1366x768 page that records every
console error, failed response and outside request, and signing in through the real login form."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, expect, sync_playwright

from tests.conftest import OUTPUT_DIR

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "analyst-browser-pass"
VIEWPORT = {"width": 1366, "height": 768}


def launch_chromium() -> Iterator[Browser]:
    """Yield a headless Chromium; use it from a module-scoped fixture."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still plain synchronous calls, so Django's async guard is lifted meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def open_page(browser: Browser, base: str) -> Iterator[Page]:
    """Yield a fresh page whose `problems` list collects errors and requests leaving `base`."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = context.new_page()
    problems: list[str] = []
    page.problems = problems  # type: ignore[attr-defined]
    local = (base, base.replace("http://", "ws://"), "data:")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def response(answer: Response) -> None:
        if answer.status >= 400:
            problems.append(f"HTTP {answer.status}: {answer.url}")

    def request(sent: Request) -> None:
        if not sent.url.startswith(local):
            problems.append(f"external request: {sent.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", response)
    page.on("request", request)
    yield page
    context.close()


def problems(page: Page) -> list[str]:
    return page.problems  # type: ignore[attr-defined,no-any-return]


def browser_user(make_user: Callable[..., Any], username: str, role: Any) -> str:
    """A user the real server can sign in (it hashes with PBKDF2, not the tests' fast hasher)."""
    user = make_user(username, role)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return str(user.username)


def sign_in(page: Page, base: str, username: str, path: str = "/ops/") -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}{path}")


def screenshot(page: Page, name: str) -> None:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / name))


def in_own_thread(call: Callable[[], Any]) -> Any:
    """Run a service from the test in a thread of its own: Playwright's event loop lives in the
    test's thread, where the service's after-commit broadcast (async_to_sync) would refuse to run."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
