"""The complete ops map in headless Chromium against a real uvicorn: grouped layer control,
clustered incidents with P1 never clustered, heatmap, time filter, playback of the last hours,
the quick search (audited), GPS subjects behind a purpose (audited) and monitoring zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from audit.models import AuditEvent
from incidents.models import Incident
from tests.browser.helpers import browser_user, problems, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def analyst_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "layers-analyst", Role.ANALYST)


def wait_ready(page: Page) -> None:
    try:
        page.wait_for_function("() => window.rtccMapReady === true", timeout=15_000)
    except Exception:
        raise AssertionError(f"map not ready: {problems(page)}") from None


def seed(now: datetime) -> list[Incident]:
    """40 open incidents P2-P5 spread over the last 5 h, 20 closed ones, and one open P1.

    Every time is a whole number of minutes plus 30 s before `now`, so a playback instant chosen
    10 s after a whole minute is never within 20 s of an event."""
    rows = [
        Incident(
            source="test-cad",
            external_id="LAY-P1",
            call_type="SHOTS FIRED",
            priority=1,
            status="dispatched",
            received_at=now - timedelta(minutes=20, seconds=30),
            address="2483 W HADLEY ST",
            location=Point(-87.95, 43.05, srid=4326),
            location_status="ok",
        )
    ]
    for i in range(60):
        closed = i >= 40
        received = now - timedelta(minutes=5 + (i * 37) % 290, seconds=30)
        rows.append(
            Incident(
                source="test-cad",
                external_id=f"LAY-{i:03d}",
                call_type="DISTURBANCE",
                priority=2 + i % 4,
                status="closed" if closed else "received",
                received_at=received,
                closed_at=received + timedelta(minutes=45) if closed else None,
                address=f"{100 + i} N MAIN ST",
                location=Point(-87.99 + (i % 8) * 0.011, 43.02 + (i // 8) * 0.008, srid=4326),
                location_status="ok",
                disposition="done" if closed else "",
            )
        )
    return Incident.objects.bulk_create(rows)


def open_at(incidents: list[Incident], when: datetime) -> int:
    return sum(1 for i in incidents if i.received_at <= when and (i.closed_at is None or i.closed_at > when))


def test_layers_clusters_heatmap_time_filter_and_playback(page: Page, asgi_server: str, analyst_login: str) -> None:
    now = timezone.now()
    incidents = seed(now)
    sign_in(page, asgi_server, analyst_login)
    wait_ready(page)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    page.evaluate("window.rtccMap.setView([43.04, -87.955], 12, { animate: false })")

    # One layer control, grouped and labelled.
    control = page.locator(".rtcc-layers")
    expect(control.locator(".layer-group-title")).to_have_text(["Incidents", "Sensors", "Monitoring", "Areas"])
    for label in ("P1 (never clustered)", "P2", "P5", "Heatmap (time filter)", "Shots fired", "CAP alert areas"):
        expect(control.get_by_label(label)).to_be_attached()
    # P1 is its own marker; the 40 open P2-P5 incidents sit in priority-coloured clusters.
    expect(page.locator("path.incident-marker.p1")).to_have_count(1)
    expect(page.locator(".incident-cluster").first).to_be_visible()
    expect(page.locator("#open-total")).to_have_text("41")
    screenshot(page, "ops_map_layers_control.png")
    control.get_by_label("P3").uncheck()
    expect(page.locator(".incident-cluster.p3")).to_have_count(0)
    control.get_by_label("P3").check()
    expect(page.locator(".incident-cluster.p3").first).to_be_attached()
    # The list folds away under its "Layers" header (and the choice survives a reload).
    control.locator(".layers-fold").click()
    expect(control.get_by_label("P3")).to_be_hidden()
    assert page.evaluate("window.localStorage.getItem('rtcc.layers.folded')") == "1"
    control.locator(".layers-fold").click()
    expect(control.get_by_label("P3")).to_be_visible()

    # Heatmap of every incident received in the filter's window (24 h when "open now").
    control.get_by_label("Heatmap (time filter)").check()
    expect(page.locator("#map")).to_have_attribute("data-heat-points", "61", timeout=10_000)
    expect(page.locator("canvas.leaflet-heatmap-layer")).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "ops_map_heatmap.png")

    # Time filter: last 1 h keeps the open incidents received in the last hour, heatmap included.
    recent_open = [i for i in incidents if i.closed_at is None and i.received_at >= now - timedelta(hours=1)]
    recent_all = [i for i in incidents if i.received_at >= now - timedelta(hours=1)]
    page.select_option("#time-range", "1h")
    expect(page.locator("#incident-list li")).to_have_count(len(recent_open))
    expect(page.locator("#map")).to_have_attribute("data-heat-points", str(len(recent_all)), timeout=10_000)
    control.get_by_label("Heatmap (time filter)").uncheck()
    page.select_option("#time-range", "open")
    expect(page.locator("#incident-list li")).to_have_count(41)

    # Playback of the last 6 h: at a chosen instant the map shows what was open then.
    page.select_option("#playback-hours", "6")
    page.select_option("#playback-speed", "900")
    page.click("#playback-play")
    expect(page.locator("#playback-clock")).to_be_visible(timeout=10_000)
    expect(page.locator("#playback-status")).to_contain_text("61 incidents")
    page.wait_for_timeout(1500)
    page.click("#playback-play")  # pause
    instant = now - timedelta(hours=3) + timedelta(seconds=10)
    page.evaluate(
        """(t) => { const s = document.querySelector('#playback-slider');
                    s.value = String(t); s.dispatchEvent(new Event('input')); }""",
        instant.timestamp() * 1000,
    )
    expected = open_at(incidents, instant)
    assert 0 < expected < 61
    expect(page.locator("#map")).to_have_attribute("data-playback-open", str(expected))
    expect(page.locator("#playback-clock")).to_contain_text(f"{expected} open")
    page.click("#playback-play")  # play on from there
    page.wait_for_timeout(800)
    screenshot(page, "ops_map_playback.png")
    page.click("#playback-live")
    expect(page.locator("#playback-clock")).to_be_hidden()
    expect(page.locator(".playback-marker")).to_have_count(0)
    expect(page.locator("path.incident-marker.p1")).to_have_count(1)
    assert problems(page) == []


def test_search_box_finds_cad_numbers_and_addresses_and_links_plates(
    page: Page, asgi_server: str, analyst_login: str
) -> None:
    incidents = seed(timezone.now())
    sign_in(page, asgi_server, analyst_login)
    wait_ready(page)

    page.fill("#map-search-q", "lay-p1")
    result = page.locator('#map-search-results li[data-kind="incident"]')
    expect(result).to_have_count(1)
    expect(result).to_contain_text("#LAY-P1 · P1 SHOTS FIRED · 2483 W HADLEY ST")
    screenshot(page, "ops_map_search.png")
    result.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("LAY-P1")

    # An address of a closed incident: not on the live map, so a pin with its label.
    closed = next(i for i in incidents if i.closed_at is not None)
    page.fill("#map-search-q", closed.address.lower())
    page.locator('#map-search-results li[data-kind="address"]').first.click()
    expect(page.locator(".search-pin .leaflet-popup-content")).to_contain_text(closed.external_id)

    page.fill("#map-search-q", "abc 1234")
    plate = page.locator('#map-search-results li[data-kind="plate"]')
    expect(plate).to_contain_text("ABC1234")
    plate.click()
    expect(page).to_have_url(f"{asgi_server}/lpr/search/?plate=ABC1234")
    assert list(AuditEvent.objects.filter(action="ops.search").order_by("id").values_list("details__q", flat=True)) == [
        "lay-p1",
        closed.address.lower(),
        "abc 1234",
    ]
    assert problems(page) == []


def test_gps_subjects_need_a_purpose_and_are_audited_and_zones_draw(
    page: Page, asgi_server: str, analyst_login: str
) -> None:
    from monitoring.models import Ping, Subject, Zone

    subject = Subject.objects.create(
        source="em", device_id="D-1", reference="EM-3001", supervision_type="parole", active_from=date(2026, 1, 1)
    )
    Ping.objects.create(
        subject=subject, recorded_at=timezone.now() - timedelta(minutes=4), location=Point(-87.95, 43.06)
    )
    zone = Zone.objects.create(
        name="School",
        kind="exclusion",
        area=MultiPolygon(Polygon.from_bbox((-87.96, 43.04, -87.94, 43.055)), srid=4326),
    )
    sign_in(page, asgi_server, analyst_login)
    wait_ready(page)
    control = page.locator(".rtcc-layers")
    control.get_by_label("Monitoring zones").check()
    expect(page.locator(f"path.zone-area.zone-{zone.pk}")).to_be_attached(timeout=5_000)

    control.get_by_label("GPS subjects (audited)").check()
    expect(page.locator("#gps-purpose")).to_be_visible()
    assert not AuditEvent.objects.exclude(action="auth.login").exists()  # nothing fetched before a purpose
    page.select_option("#gps-purpose-code", "active_incident")
    page.fill("#gps-case", "M-2026-7")
    page.click("#gps-purpose button[type=submit]")
    expect(page.locator(f"path.gps-subject.gps-subject-{subject.pk}")).to_be_visible(timeout=5_000)
    expect(page.locator("#gps-message")).to_contain_text("1 subject(s) in view")
    screenshot(page, "ops_map_gps_zones.png")
    event = AuditEvent.objects.exclude(action="auth.login").get()
    assert (event.action, event.purpose, event.case_number, event.details["subjects"]) == (
        "monitoring.positions.view",
        "active_incident",
        "M-2026-7",
        [subject.pk],
    )
    control.get_by_label("GPS subjects (audited)").uncheck()
    expect(page.locator("path.gps-subject")).to_have_count(0)
    assert problems(page) == []
