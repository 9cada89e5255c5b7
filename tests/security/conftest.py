"""The browser fixture of tests/browser, for the CSP journey here."""

from tests.browser.conftest import browser  # noqa: F401
