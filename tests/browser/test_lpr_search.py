"""LPR plate search in headless Chromium against a real uvicorn: a search without a purpose is refused
by the server; with purpose and case number, a radius clicked on the map and then a polygon drawn
corner by corner find the right reads, shown in the table and as markers; the CSV export downloads.
Every search and the export are in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from audit.models import AuditEvent
from lpr.models import Read
from tests.browser.helpers import browser_user, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# The map opens on RTCC_MAP_CENTER (43.05, -87.95); reads a few dozen metres from it, one 2 km away.
CENTER = (43.05, -87.95)
LAT_M = 1 / 111_000
LON_M = 1 / 81_300


@pytest.fixture
def analyst_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "lpr-searcher", Role.ANALYST)


@pytest.fixture
def scene(db: None) -> Iterator[None]:
    from feeds import services as feed_services
    from lpr.models import Reader
    from lpr.services.reads import reads_insert_and_match

    feed, _ = feed_services.feed_create(name="Browser LPR", kind="lpr", slug="browser-lpr")
    Reader.objects.create(name="Pole 3 SB", feed=feed, external_id="pole-3")
    now = timezone.now()

    def read(name: str, plate: str, north_m: float, east_m: float, minutes_ago: int) -> dict[str, Any]:
        return {
            "external_id": f"browser-{name}",
            "read_at": now - timedelta(minutes=minutes_ago),
            "plate_raw": plate,
            "plate": plate,
            "state": "WI",
            "confidence": 88.0,
            "latitude": CENTER[0] + north_m * LAT_M,
            "longitude": CENTER[1] + east_m * LON_M,
            "reader": "pole-3",
            "vehicle_make": "Honda",
            "vehicle_color": "grey",
        }

    with transaction.atomic():
        reads_insert_and_match(
            feed=feed,
            reads=[
                read("near-1", "ABC1234", 30, -20, 5),
                read("near-2", "ABC9911", -40, 35, 25),
                read("near-other", "XYZ4455", 10, 10, 15),
                read("far", "ABC5555", 2000, 0, 10),
            ],
        )
    yield
    # lpr_read is not a Django-managed table: the flush after this test leaves it alone.
    Read.objects.filter(external_id__startswith="browser-").delete()


def test_search_is_refused_without_purpose_then_finds_reads_in_a_radius_and_a_polygon(
    page: Page, asgi_server: str, analyst_login: str, scene: None
) -> None:
    sign_in(page, asgi_server, analyst_login, path="/lpr/search/")
    expect(page.locator("#search-map.leaflet-container")).to_be_visible()

    # No purpose: the server refuses, nothing is searched, the form comes back filled in.
    page.fill("#id_plate", "ABC*")
    page.fill("#id_case_number", "2026-118830")
    page.click("#search-submit")
    expect(page.locator("#search-refused")).to_contain_text("Search refused")
    expect(page.locator("#purpose-error")).to_contain_text("every search needs a purpose code")
    expect(page.locator("#reads-table")).to_have_count(0)
    expect(page.locator("#id_plate")).to_have_value("ABC*")
    expect(page.locator("#id_case_number")).to_have_value("2026-118830")
    screenshot(page, "lpr_search_refused.png")
    assert not AuditEvent.objects.filter(action="lpr.search").exists()

    # Purpose and case number, plate pattern, and a radius around a point clicked on the map.
    page.select_option("#id_purpose", "stolen_vehicle")
    page.check("input[name=area][value=radius]")
    page.locator("#search-map").click()
    expect(page.locator("#id_lat")).not_to_have_value("")
    expect(page.locator("#id_radius_m")).to_have_value("300")
    expect(page.locator("path.search-circle")).to_have_count(1)
    page.click("#search-submit")
    expect(page.locator("#result-summary")).to_contain_text("2 reads found")
    rows = page.locator("#reads-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("ABC1234")  # newest first
    expect(rows.nth(1)).to_contain_text("ABC9911")
    expect(page.locator("path.read-marker")).to_have_count(2)
    rows.nth(1).click()
    expect(page.locator(".leaflet-tooltip")).to_contain_text("ABC9911")
    screenshot(page, "lpr_search_radius_results.png")

    # A polygon drawn corner by corner around the same spot (the map now shows the circle).
    page.check("input[name=area][value=polygon]")
    expect(page.locator("#area-radius")).to_be_hidden()
    page.locator("#search-map").scroll_into_view_if_needed()
    box = page.locator("#search-map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for corner, (dx, dy) in enumerate([(-90, -90), (90, -90), (90, 90), (-90, 90)], start=1):
        page.mouse.click(cx + dx, cy + dy)
        if corner >= 3:
            expect(page.locator("#polygon-status")).to_have_text(f"{corner} corners.")
        else:
            expect(page.locator("#polygon-status")).to_have_text(f"{corner} of at least 3 corners.")
    expect(page.locator("#polygon-status")).to_have_text("4 corners.")
    expect(page.locator("#id_polygon")).to_have_value(re.compile(r'^\{"type":"Polygon"'))
    page.fill("#id_plate", "")
    page.click("#search-submit")
    expect(page.locator("#result-summary")).to_contain_text("3 reads found")
    expect(page.locator("#reads-table")).to_contain_text("XYZ4455")
    expect(page.locator("#reads-table")).not_to_contain_text("ABC5555")
    expect(page.locator("path.search-polygon")).to_have_count(1)
    screenshot(page, "lpr_search_polygon_results.png")

    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename.startswith("lpr-reads-")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.count("\n") == 4 and "XYZ4455" in text

    searches = AuditEvent.objects.filter(action="lpr.search").order_by("id")
    assert [(e.purpose, e.case_number, e.details["result_count"]) for e in searches] == [
        ("stolen_vehicle", "2026-118830", 2),
        ("stolen_vehicle", "2026-118830", 3),
    ]
    assert searches[1].details["criteria"]["area"]["kind"] == "polygon"
    (export,) = AuditEvent.objects.filter(action="lpr.export")
    assert export.details["result_count"] == 3
    # The refusal answered 400 on purpose (the browser logs that too); nothing else failed or left the machine.
    refusal = [
        f"HTTP 400: {asgi_server}/lpr/search/",
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]
    assert problems(page) == refusal
