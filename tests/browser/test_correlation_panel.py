"""Correlation panel on the ops map in headless Chromium against a real uvicorn: open an incident,
click Correlate, state a purpose and case number, and see every section fill (the acceptance
scene); right-click a map point for "Correlate here"; closing clears the panel's map layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from audit.models import AuditEvent
from cases.models import Case, CaseLink
from tests.browser.helpers import browser_user, in_own_thread, problems, screenshot, sign_in
from tests.correlation.scene import P_LAT, P_LON, Scene, build_scene

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def analyst_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "corr-analyst", Role.ANALYST)


@pytest.fixture
def rtcc_case(analyst_login: str) -> Case:
    from django.contrib.auth import get_user_model

    from cases import services

    analyst = get_user_model().objects.get(username=analyst_login)
    return in_own_thread(lambda: services.case_open(actor=analyst, title="Shooting, W Center St"))  # type: ignore[no-any-return]


@pytest.fixture
def scene(db: None) -> Scene:
    return in_own_thread(build_scene)  # type: ignore[no-any-return]


def section(page: Page, name: str) -> Any:
    return page.locator(f'#correlation-panel section[data-section="{name}"]')


def test_correlate_an_incident_then_unlock_plates_and_gps_with_a_purpose(
    page: Page, asgi_server: str, analyst_login: str, scene: Scene, rtcc_case: Case
) -> None:
    sign_in(page, asgi_server, analyst_login)
    page.click(f'#incident-list li[data-external-id="{scene.incident.external_id}"]')
    popup = page.locator(".leaflet-popup")
    popup.get_by_role("button", name="Correlate").click()
    panel = page.locator("#correlation-panel")
    expect(panel).to_be_visible()
    # Without a purpose: cameras, shots and prior incidents; plates and GPS withheld.
    expect(section(page, "cameras").locator(".corr-item")).to_have_count(2)
    expect(section(page, "lpr_reads").locator(".corr-withheld")).to_be_visible()
    expect(section(page, "gps_subjects").locator(".corr-withheld")).to_be_visible()
    expect(section(page, "shots").locator(".corr-item")).to_have_count(2)
    expect(section(page, "prior_incidents").locator(".corr-item")).to_have_count(3)
    expect(panel.locator("input[name=case_number]")).to_have_value("CAD-SCENE-1")

    panel.locator("select[name=purpose]").select_option("shooting")
    panel.get_by_role("button", name="Apply").click()
    reads = section(page, "lpr_reads").locator(".corr-item")
    expect(reads).to_have_count(3)
    expect(section(page, "lpr_reads")).to_contain_text("AAA1111")
    expect(section(page, "lpr_reads")).to_contain_text("\u22123 min")
    expect(section(page, "lpr_reads")).to_contain_text("+2 min")
    expect(section(page, "gps_subjects").locator(".corr-item")).to_have_count(1)
    expect(section(page, "gps_subjects")).to_contain_text("GPS-IN")
    expect(section(page, "cameras").locator(".corr-item").first).to_contain_text("sees the spot")
    # "Add to case": the analyst's open case is offered; one click links the camera.
    expect(panel.locator("select[name=rtcc_case]")).to_contain_text(rtcc_case.number)
    add = section(page, "cameras").locator(".corr-add").first
    expect(add).to_be_enabled()
    add.click()
    expect(add).to_have_text(f"added to {rtcc_case.number}")
    camera_id = int(section(page, "cameras").locator(".corr-item").first.get_attribute("data-id") or 0)
    assert CaseLink.objects.filter(case=rtcc_case, kind="camera", object_id=camera_id).exists()
    assert rtcc_case.log.filter(kind="link_added", text__startswith=f"linked camera {camera_id}").exists()
    # The incident the panel was opened for goes into the case in one click as well.
    anchor = panel.locator(".corr-add-anchor")
    expect(anchor).to_contain_text("Add incident")
    anchor.click()
    expect(anchor).to_have_text(f"added to {rtcc_case.number}")
    assert CaseLink.objects.filter(case=rtcc_case, kind="incident", object_id=scene.incident.pk).exists()
    # Radius circle, anchor and one marker per located item, in the panel's own layer.
    expect(page.locator("path.corr-radius")).to_have_count(1)
    expect(page.locator("path.corr-marker")).to_have_count(2 + 2 + 3 + 1 + 3)
    # Clicking a read focuses it on the map (its popup opens).
    reads.first.click()
    expect(page.locator(".leaflet-popup", has_text="AAA1111")).to_be_visible()
    screenshot(page, "correlation-panel.png")
    assert AuditEvent.objects.filter(action="lpr.search", case_number="CAD-SCENE-1", purpose="shooting").count() == 1

    # Applying again replaces the markers (no pile-up); closing removes them all.
    panel.get_by_role("button", name="Apply").click()
    expect(page.locator("path.corr-marker")).to_have_count(11)
    panel.get_by_role("button", name="Close the correlation panel").click()
    expect(panel).to_be_hidden()
    expect(page.locator("path.corr-marker")).to_have_count(0)
    expect(page.locator("path.corr-radius")).to_have_count(0)
    assert problems(page) == []


def test_right_click_on_the_map_correlates_that_point(
    page: Page, asgi_server: str, analyst_login: str, scene: Scene
) -> None:
    sign_in(page, asgi_server, analyst_login)
    page.wait_for_function("() => window.rtccMap !== undefined")
    page.evaluate(f"window.rtccMap.setView([{P_LAT}, {P_LON}], 17, {{ animate: false }})")
    box = page.locator("#map").bounding_box()
    assert box is not None
    to_screen = "([lat, lon]) => { const p = window.rtccMap.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }"
    point = page.evaluate(to_screen, [P_LAT, P_LON + 0.0004])
    page.mouse.click(box["x"] + point[0], box["y"] + point[1], button="right")
    page.get_by_role("button", name="Correlate here").click()
    panel = page.locator("#correlation-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".corr-at")).to_be_visible()
    # A map point defaults to now: the scene happened an hour ago, so a 15-minute window finds no shot.
    expect(section(page, "shots").locator(".corr-none")).to_be_visible()
    panel.locator("input[name=window]").fill("120")
    panel.get_by_role("button", name="Apply").click()
    expect(section(page, "shots").locator(".corr-item")).to_have_count(3)
    screenshot(page, "correlation-point.png")
    assert problems(page) == []
