"""Rule editor in headless Chromium against a real uvicorn: an admin builds a rule, sees each
validation error next to the field it names, dry-runs it over seeded events, saves it, and
disables it from the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from rules.models import Rule, RuleVersion
from tests.browser.helpers import browser_user, problems, screenshot, sign_in
from tests.rules.helpers import MIXED_EVENTS, seed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_admin_builds_validates_dry_runs_and_saves_a_rule(
    page: Page, asgi_server: str, make_user: Callable[..., Any]
) -> None:
    seed(MIXED_EVENTS)
    admin = browser_user(make_user, "rules-admin", Role.ADMIN)
    sign_in(page, asgi_server, admin, path="/rules/")
    expect(page.locator(".empty")).to_contain_text("No rules yet")
    page.click("#new-rule")
    expect(page.locator("#conditions .condition-row")).to_have_count(1)

    page.fill("#rule-name", "Armed violence P1")
    # Condition 1 (from the template): priority is 1 — typed wrongly as a word first.
    first = page.locator("#conditions .condition-row").nth(0)
    first.locator(".cond-value").fill("high")
    page.click("#add-condition")
    second = page.locator("#conditions .condition-row").nth(1)
    second.locator(".cond-field").select_option("call_type")
    second.locator(".cond-op").select_option("in")
    second.locator(".cond-value").fill("SHOOTING, ROBBERY ARMED")
    page.select_option("#alert-priority", "1")
    page.fill("#alert-title", "{calltype} at {address}")
    page.fill("#attach-cameras", "3")
    page.check("#open-correlation")
    page.click("#save-rule")

    value_error = first.locator('[data-error-for="conditions[0].value"]')
    expect(value_error).to_have_text("priority is a whole number, not 'high'")
    title_error = page.locator('[data-error-for="actions.raise_alert.title"]')
    expect(title_error).to_contain_text("'{calltype}' is not a field of incident")
    expect(page.locator("#form-error")).to_contain_text("conditions[0].value:")
    screenshot(page, "rules-editor-errors.png")
    assert not Rule.objects.exists()

    first.locator(".cond-value").fill("1")
    page.fill("#alert-title", "{call_type} at {address}")
    page.click("#dry-run")
    expect(page.locator("#dry-run-status")).to_contain_text("4 matches among 6 incident sources of the last 24 h")
    expect(page.locator("#dry-run-matches li")).to_have_count(4)
    expect(page.locator("#dry-run-matches")).to_contain_text("SHOOTING at 1 N MAIN ST")
    expect(value_error).to_be_hidden()
    screenshot(page, "rules-editor-dry-run.png")

    page.click("#save-rule")
    expect(page.locator("#form-ok")).to_contain_text("Saved “Armed violence P1”")
    rule = Rule.objects.get()
    assert rule.conditions == [
        {"field": "priority", "op": "eq", "value": 1},
        {"field": "call_type", "op": "in", "value": ["SHOOTING", "ROBBERY ARMED"]},
    ]
    assert rule.actions["attach_cameras"] == 3 and rule.actions["open_correlation"] is True
    expect(page).to_have_url(f"{asgi_server}/rules/{rule.pk}/")

    page.goto(f"{asgi_server}/rules/")
    row = page.locator(f'tr[data-rule-id="{rule.pk}"]')
    expect(row).to_contain_text("Armed violence P1")
    expect(row).to_contain_text("never")
    screenshot(page, "rules-list.png")
    row.locator(".switch").click()
    expect(row.locator(".enabled-toggle")).not_to_be_checked()
    expect(row.locator(".enabled-toggle")).to_be_enabled()
    rule.refresh_from_db()
    assert rule.enabled is False
    assert list(RuleVersion.objects.values_list("change", flat=True).order_by("version")) == ["created", "disabled"]
    # The only 4xx are the deliberate validation answers of the first save.
    assert [p for p in problems(page) if "400" not in p] == []
