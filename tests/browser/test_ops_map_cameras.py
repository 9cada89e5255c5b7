"""Cameras on the ops map in headless Chromium against a real uvicorn: clustered markers, cones
when zoomed in, filters, live health changes, and the camera dock of an opened incident with a
one-click footage request."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.browser.helpers import (
    browser_user,
    in_own_thread,
    problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# The incident spot and cameras a few dozen metres around it (1 m ≈ 1/111 000° of latitude and
# 1/81 300° of longitude here).
SPOT = (43.05, -87.95)
LAT_M = 1 / 111_000
LON_M = 1 / 81_300


def at(north_m: float = 0, east_m: float = 0) -> Point:
    return Point(SPOT[1] + east_m * LON_M, SPOT[0] + north_m * LAT_M, srid=4326)


@pytest.fixture
def analyst_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "camera-analyst", Role.ANALYST)


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    """Cameras around SPOT: two that see it, one that looks away, one far across town."""
    from tests.factories import CameraFactory

    return {
        "live": CameraFactory(
            name="Corner store east door",
            tier="live",
            owner_type="business",
            location=at(east_m=-60),
            heading=90,
            retention_days=None,
        ),
        "footage": CameraFactory(name="Main St pole 4", tier="footage", location=at(north_m=-40), heading=0),
        "register": CameraFactory(
            name="Porch camera 12", tier="register", owner_type="residential", location=at(north_m=30), heading=0
        ),
        "far": CameraFactory(name="Harbor gate", location=Point(-87.85, 43.10, srid=4326)),
    }


def show_spot(page: Page, zoom: int) -> None:
    page.evaluate(f"window.rtccMap.setView([{SPOT[0]}, {SPOT[1]}], {zoom}, {{ animate: false }})")


def test_cameras_cluster_far_out_and_show_cones_and_filters_up_close(
    page: Page, asgi_server: str, analyst_login: str, scene: dict[str, Any]
) -> None:
    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    # City-wide, the three cameras around the corner are one cluster; the far one stands alone.
    expect(page.locator(".camera-cluster")).to_have_text("3")
    expect(page.locator(".camera-marker")).to_have_count(1)
    expect(page.locator(f".camera-marker.camera-{scene['far'].pk}")).to_be_visible()
    expect(page.locator("path.camera-cone")).to_have_count(0)
    screenshot(page, "ops_map_cameras_clustered.png")

    show_spot(page, 17)
    markers = page.locator(".camera-marker")
    expect(markers).to_have_count(3)
    expect(page.locator("path.camera-cone")).to_have_count(3)
    live = page.locator(f".camera-marker.camera-{scene['live'].pk}")
    expect(live).to_have_class(re.compile(r"\btier-live\b"))
    expect(page.locator(f".camera-marker.camera-{scene['register'].pk}")).to_have_class(
        re.compile(r"\btier-register\b")
    )
    live.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Corner store east door")
    expect(popup).to_contain_text("Live share")
    expect(popup).to_contain_text("E (90°), 90° wide, 100 m")
    page.wait_for_timeout(400)  # popup fade-in
    screenshot(page, "ops_map_cameras_cones.png")
    page.keyboard.press("Escape")

    page.click(".camera-filters summary")
    page.get_by_label("Live share").uncheck()
    page.get_by_label("Register only").uncheck()
    expect(markers).to_have_count(1)
    expect(page.locator(f".camera-marker.camera-{scene['footage'].pk}")).to_be_visible()
    expect(page.locator("path.camera-cone")).to_have_count(1)
    expect(page.locator(".camera-filters summary")).to_contain_text("(2 off)")
    screenshot(page, "ops_map_cameras_filtered.png")
    page.get_by_label("City", exact=True).uncheck()
    expect(markers).to_have_count(0)
    for label in ("Live share", "Register only", "City"):
        page.get_by_label(label).check()
    expect(markers).to_have_count(3)

    # The layer control switches the whole camera layer off and on, cones included.
    page.get_by_label("Cameras", exact=True).uncheck()
    expect(markers).to_have_count(0)
    expect(page.locator("path.camera-cone")).to_have_count(0)
    expect(page.locator(".camera-filters")).to_be_hidden()
    page.get_by_label("Cameras", exact=True).check()
    expect(markers).to_have_count(3)
    expect(page.locator("path.camera-cone")).to_have_count(3)
    assert problems(page) == []


def test_camera_health_and_retirement_reach_the_map_live(
    page: Page, asgi_server: str, analyst_login: str, scene: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from cameras import services

    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    cluster = page.locator(".camera-cluster")
    expect(cluster).to_have_text("3")
    expect(cluster).not_to_have_class(re.compile(r"\bhas-offline\b"))

    footage = scene["footage"]
    in_own_thread(
        lambda: services.camera_health_record(
            camera_id=footage.pk, online=False, detail="test", checked_at=timezone.now()
        )
    )
    expect(cluster).to_have_class(re.compile(r"\bhas-offline\b"), timeout=3_000)

    show_spot(page, 17)
    marker = page.locator(f".camera-marker.camera-{footage.pk}")
    expect(marker).to_have_class(re.compile(r"\bhealth-offline\b"))
    expect(page.locator(f"path.camera-cone.cone-{footage.pk}")).to_have_class(re.compile(r"\bhealth-offline\b"))
    screenshot(page, "ops_map_camera_offline.png")

    in_own_thread(
        lambda: services.camera_health_record(
            camera_id=footage.pk, online=True, detail="test", checked_at=timezone.now()
        )
    )
    expect(marker).to_have_class(re.compile(r"\bhealth-online\b"), timeout=3_000)

    admin = make_user("camera-admin", Role.ADMIN)
    in_own_thread(lambda: services.camera_retire(user=admin, camera_id=scene["register"].pk))
    expect(page.locator(f".camera-marker.camera-{scene['register'].pk}")).to_have_count(0, timeout=3_000)
    expect(page.locator(f"path.camera-cone.cone-{scene['register'].pk}")).to_have_count(0)
    expect(page.locator(".camera-marker")).to_have_count(2)
    assert problems(page) == []


def test_opened_incident_docks_the_cameras_that_see_it_and_requests_footage_in_one_click(
    page: Page, asgi_server: str, analyst_login: str, scene: dict[str, Any]
) -> None:
    from cameras.models import FootageRequest
    from tests.factories import CameraFactory, IncidentFactory

    expired = CameraFactory(
        name="Bakery back lot",
        location=at(north_m=-70),
        heading=0,
        mou_signed_on=date(2024, 1, 1),
        mou_expires_on=timezone.localdate() - timedelta(days=1),
    )
    away = CameraFactory(name="School gate", owner_type="school", location=at(east_m=50), heading=90)
    received = timezone.now() - timedelta(minutes=5)
    incident = IncidentFactory(received_at=received, location=at())

    sign_in(page, asgi_server, analyst_login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=10_000)
    page.click(f'#incident-list li[data-external-id="{incident.external_id}"]')
    dock = page.locator("#camera-dock")
    expect(dock).to_be_visible()
    expect(dock.locator("h2")).to_contain_text(incident.external_id)
    rows = dock.locator("li.dock-camera")
    # Live share that sees the spot first, then the others that see it; those facing away wait.
    expect(rows).to_have_count(3)
    ids = [int(i) for i in rows.evaluate_all("rows => rows.map(r => r.dataset.cameraId)")]
    assert ids == [scene["live"].pk, scene["footage"].pk, expired.pk]
    expect(page.locator("#dock-summary")).to_have_text("3 of 5 cameras within 300 m see the spot.")
    expect(rows.nth(0)).to_contain_text("60 m")
    expect(rows.nth(0)).to_contain_text("sees the spot")
    expect(rows.nth(1)).to_contain_text("kept 30 d")
    expired_row = dock.locator(f'li[data-camera-id="{expired.pk}"]')
    expect(expired_row).to_contain_text("MOU expired")
    expect(expired_row.locator("button")).to_have_count(0)

    page.click("#dock-toggle")
    expect(rows).to_have_count(5)
    register_row = dock.locator(f'li[data-camera-id="{scene["register"].pk}"]')
    expect(register_row).to_contain_text("faces away")
    expect(register_row).to_contain_text("Register only. Contact owner: City of Milwaukee · Pat Owner · 414-555-0100")
    expect(dock.locator(f'li[data-camera-id="{away.pk}"]')).to_contain_text("faces away")

    footage_row = dock.locator(f'li[data-camera-id="{scene["footage"].pk}"]')
    footage_row.hover()
    expect(page.locator(f"path.camera-highlight.highlight-{scene['footage'].pk}")).to_be_visible()
    # A click on the camera brings it and the incident into view, close enough for the cones.
    footage_row.locator(".dock-name").click()
    expect(page.locator(f"path.camera-cone.cone-{scene['footage'].pk}")).to_be_visible(timeout=5_000)
    footage_row.get_by_role("button", name="Request footage").click()
    result = footage_row.locator(".dock-result.ok")
    expect(result).to_contain_text("Footage request #")
    expect(result).to_contain_text("Owner: City of Milwaukee · Pat Owner · 414-555-0100")
    expect(footage_row.get_by_role("button")).to_have_text("Request again")

    request = FootageRequest.objects.get(camera=scene["footage"])
    assert request.incident_id == incident.pk
    assert request.reason == f"Incident {incident.external_id} SHOTS FIRED"
    assert abs(request.window_start - (received - timedelta(minutes=15))) < timedelta(seconds=1)
    # Fifteen minutes after the call is still in the future: the window ends now.
    assert received < request.window_end <= timezone.now()
    # An owner whose retention is unknown: the request goes out with a warning.
    live_row = rows.nth(0)
    expect(live_row).to_contain_text("retention unknown")
    live_row.get_by_role("button", name="Request footage").click()
    expect(live_row.locator(".dock-result .warning")).to_contain_text("The owner's retention is unknown")
    assert FootageRequest.objects.filter(camera=scene["live"], incident=incident).exists()
    page.wait_for_timeout(300)
    screenshot(page, "ops_map_camera_dock.png")

    # Reopening the incident remembers the request.
    page.click("#dock-close")
    expect(dock).to_be_hidden()
    page.click(f'#incident-list li[data-external-id="{incident.external_id}"]')
    expect(footage_row.locator(".dock-action")).to_contain_text("Requested")
    assert problems(page) == []


def test_refused_footage_request_shows_why_and_supervisors_see_no_owner_contacts(
    page: Page, asgi_server: str, make_user: Callable[..., Any], scene: dict[str, Any]
) -> None:
    from cameras.models import FootageRequest
    from tests.factories import CameraFactory, IncidentFactory

    short = CameraFactory(name="Gas station pump 2", location=at(north_m=-20), heading=0, retention_days=1)
    incident = IncidentFactory(received_at=timezone.now() - timedelta(days=3), location=at())
    supervisor = browser_user(make_user, "camera-supervisor", Role.SUPERVISOR)

    sign_in(page, asgi_server, supervisor)
    page.click(f'#incident-list li[data-external-id="{incident.external_id}"]')
    row = page.locator(f'#camera-dock li[data-camera-id="{short.pk}"]')
    row.get_by_role("button", name="Request footage").click()
    expect(row.locator(".dock-result.refused")).to_contain_text("Outside the owner's retention of 1 days")
    assert not FootageRequest.objects.exists()

    page.click("#dock-toggle")
    register_row = page.locator(f'#camera-dock li[data-camera-id="{scene["register"].pk}"]')
    expect(register_row).to_contain_text("Register only. Contact the owner (details for analysts).")
    expect(register_row).not_to_contain_text("Pat Owner")
    page.wait_for_timeout(800)  # let the fly-to the incident finish before the screenshot
    screenshot(page, "ops_map_camera_dock_refused.png")
    expected = [p for p in problems(page) if "/api/v1/footage-requests/create/" in p or "status of 400" in p]
    assert problems(page) == expected and len(expected) == 2
