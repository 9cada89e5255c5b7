"""Fixtures of every browser journey: one headless Chromium per test module, a fresh page (its own
context, 1366x768, collecting console errors and outside requests) per test on the test server.
A module that needs something else (two pages, its own server) defines its own fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.helpers import launch_chromium, open_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)
