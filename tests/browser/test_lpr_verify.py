"""Hit verification in headless Chromium against a real uvicorn: two hits arrive live in the analyst's queue
with the alarm indicator, the analyst enables sound, rejects one as a misread and confirms the other; on a
supervisor's ops map (outside the list's distribution) only the confirmed hit ever appears."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from lpr.models import Hit
from tests.browser.helpers import (
    browser_user,
    in_own_thread,
    open_page,
    problems,
    screenshot,
    sign_in,
)
from tests.lpr.test_hits_api import add_entry, raise_hits, read

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def analyst_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def supervisor_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def lpr(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A feed with one fixed reader and a priority-1 list with the default distribution (analysts)."""
    from django.contrib.gis.geos import Point

    from feeds import services as feed_services
    from lpr.models import Hotlist, Reader

    feed, _ = feed_services.feed_create(name="Browser LPR", kind="lpr", slug="browser-lpr")
    reader = Reader.objects.create(
        name="Pole 17 NB", feed=feed, external_id="pole-17", location=Point(-87.9065, 43.0389, srid=4326)
    )
    hotlist = Hotlist.objects.create(
        name="Stolen vehicles (NCIC)", source="ncic", priority=1, owner=make_user("lpr-owner", Role.ADMIN)
    )
    return {"feed": feed, "reader": reader, "hotlist": hotlist}


def show_reader(page: Page) -> None:
    page.evaluate("window.rtccMap.setView([43.0389, -87.9065], 16, { animate: false })")
    page.wait_for_timeout(300)  # markers settle at the new zoom before a screenshot


def test_analyst_verifies_two_live_hits_and_only_the_confirmed_one_reaches_the_ops_map(
    analyst_page: Page,
    supervisor_page: Page,
    asgi_server: str,
    make_user: Callable[..., Any],
    lpr: dict[str, Any],
) -> None:
    analyst = browser_user(make_user, "lpr-analyst", Role.ANALYST)
    supervisor = browser_user(make_user, "lpr-supervisor", Role.SUPERVISOR)
    in_own_thread(lambda: add_entry(lpr["hotlist"], "ABC1234", state="WI", vehicle_description="red Honda Civic"))
    in_own_thread(lambda: add_entry(lpr["hotlist"], "XYZ9876", state="WI", vehicle_description="silver Toyota Camry"))

    page = analyst_page
    sign_in(page, asgi_server, analyst, path="/lpr/hits/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    expect(page.locator("#queue-empty")).to_be_visible()
    sound = page.locator("#sound")
    expect(sound).to_have_attribute("data-state", "off")
    page.get_by_role("button", name="Enable sound").click()
    expect(sound).to_have_attribute("data-state", "on")
    expect(page.locator("#sound-label")).to_have_text("Sound on")

    ops = supervisor_page
    sign_in(ops, asgi_server, supervisor)
    expect(ops.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    show_reader(ops)
    expect(ops.locator(".lpr-reader")).to_have_count(1)

    hits = in_own_thread(
        lambda: raise_hits(
            lpr["feed"],
            read("A8C1234", vehicle_color="silver", vehicle_make="Toyota", image_ref="crops/r-1.jpg"),
            read("XYZ9876", minutes_ago=2, vehicle_color="silver", vehicle_make="Toyota", vehicle_model="Camry"),
        )
    )
    misread = next(hit for hit in hits if hit.plate == "A8C1234")
    genuine = next(hit for hit in hits if hit.plate == "XYZ9876")

    rows = page.locator("#queue li.hit-row")
    expect(rows).to_have_count(2, timeout=5_000)
    expect(page.locator("#queue-count")).to_have_text("2")
    # Both lists' priorities sound: each row is flagged and the indicator rings.
    expect(page.locator("#queue .flag.alarm")).to_have_count(2)
    expect(sound).to_have_class(re.compile(r"\bringing\b"))
    expect(sound).to_have_attribute("data-alarms", "2")
    expect(page.locator("#sound-label")).to_contain_text("Alarm: P")
    expect(page.locator(f'#queue li[data-hit-id="{genuine.pk}"]')).to_have_class(re.compile(r"\bp1\b"))
    screenshot(page, "lpr_queue_two_hits.png")

    # Nothing unverified reaches the supervisor, who is not on the list's distribution.
    ops.wait_for_timeout(500)
    expect(ops.locator(".lpr-hit")).to_have_count(0)

    page.click(f'#queue li[data-hit-id="{misread.pk}"] a')
    expect(page).to_have_url(f"{asgi_server}/lpr/hits/{misread.pk}/")
    expect(page.locator("#hit-status")).to_have_attribute("data-status", "unverified")
    expect(page.locator(".plate-big .ch.diff")).to_have_count(2)
    expect(page.locator("#difference-list")).to_contain_text("character 2: read 8, entry B (OCR-confusable)")
    expect(page.locator("#difference-list")).to_contain_text("vehicle colour: read silver, entry describes red")
    screenshot(page, "lpr_verify_misread.png")
    page.get_by_label("Misread plate").check()
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("#hit-status")).to_have_attribute("data-status", "rejected")
    expect(page.locator("#hit-status")).to_contain_text("misread plate")
    screenshot(page, "lpr_verify_rejected.png")

    page.click("a.back")
    expect(rows).to_have_count(1)
    page.click(f'#queue li[data-hit-id="{genuine.pk}"] a')
    expect(page.locator(".plate-big .ch.diff")).to_have_count(0)
    page.get_by_role("button", name="Confirm: actionable").click()
    expect(page.locator("#hit-status")).to_have_attribute("data-status", "actionable")
    expect(page.locator("#hit-outcome")).to_be_visible()
    screenshot(page, "lpr_verify_confirmed.png")

    # Only the confirmed hit reaches the ops-wide channel: a solid red marker on the supervisor's map.
    marker = ops.locator(f"path.lpr-hit-{genuine.pk}")
    expect(marker).to_have_class(re.compile(r"\bhit-actionable\b"), timeout=5_000)
    expect(ops.locator(".lpr-hit")).to_have_count(1)
    marker.click(force=True)
    expect(ops.locator(".leaflet-popup-content")).to_contain_text("Verified: actionable")
    ops.wait_for_timeout(400)  # popup fade-in
    screenshot(ops, "lpr_ops_map_actionable_hit.png")

    page.select_option("#outcome-select", "stop")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#hit-outcome")).to_contain_text("Recorded: Stop made")
    assert Hit.objects.get(pk=genuine.pk).outcome == "stop"
    assert Hit.objects.get(pk=misread.pk).reject_reason == "misread"
    assert problems(page) == [] and problems(ops) == []


def test_unverified_hits_are_hollow_on_the_recipients_ops_map(
    analyst_page: Page, asgi_server: str, make_user: Callable[..., Any], lpr: dict[str, Any]
) -> None:
    analyst = browser_user(make_user, "lpr-map-analyst", Role.ANALYST)
    in_own_thread(lambda: add_entry(lpr["hotlist"], "ABC1234"))
    sign_in(analyst_page, asgi_server, analyst)
    expect(analyst_page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    show_reader(analyst_page)
    (hit,) = in_own_thread(lambda: raise_hits(lpr["feed"], read("ABC1234")))
    marker = analyst_page.locator(f"path.lpr-hit-{hit.pk}")
    expect(marker).to_have_class(re.compile(r"\bhit-unverified\b"), timeout=5_000)
    assert marker.get_attribute("fill") == "none"  # hollow: a lead, not yet a fact
    expect(analyst_page.get_by_label("LPR hits")).to_be_checked()
    expect(analyst_page.get_by_label("LPR readers")).to_be_checked()
    screenshot(analyst_page, "lpr_ops_map_unverified_hit.png")
    analyst_page.get_by_label("LPR hits").uncheck()
    expect(marker).to_have_count(0)
    assert problems(analyst_page) == []
