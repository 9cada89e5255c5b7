"""The transparency page in headless Chromium, signed out: light theme, no script, nothing blocked
by the CSP, no outside request; a full-page screenshot (transparency.png) and a print rendering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.analytics.conftest import Seeded
from tests.browser.helpers import OUTPUT_DIR, launch_chromium, open_page, problems, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


def test_public_page_renders_light_and_clean(page: Page, asgi_server: str, seeded: Seeded) -> None:
    response = page.goto(f"{asgi_server}/transparency/")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text().startswith("License plate readers and cameras")
    assert page.locator("#fig-readers .num").inner_text() == "2"
    assert page.locator("#cameras-total").inner_text() == "3"
    assert page.locator("script").count() == 0
    # The public theme: dark text on white (the ops theme is the reverse).
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    assert problems(page) == []
    page.set_viewport_size({"width": 1100, "height": 900})
    page.screenshot(path=str(OUTPUT_DIR / "transparency.png"), full_page=True)
    screenshot(page, "transparency-top.png")
    page.emulate_media(media="print")
    page.pdf(path=str(OUTPUT_DIR / "transparency.pdf"))
    assert problems(page) == []
