"""Community camera self-registration end to end in headless Chromium against a real uvicorn:
a visitor registers a camera on the public form, an admin corrects and approves it on the review
page, and the camera shows on the ops map. Also the Django admin's map widget with its cone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from cameras.models import Camera
from cameras.ratelimit import attempt_key
from tests.browser.helpers import browser_user, open_page, problems, screenshot, sign_in
from tests.conftest import OUTPUT_DIR
from tests.factories import CameraFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def second_page(browser: Browser, asgi_server: str) -> Iterator[Page]:
    yield from open_page(browser, asgi_server)


@pytest.fixture
def admin_login(make_user: Callable[..., Any]) -> str:
    return browser_user(make_user, "camera-reviewer", Role.ADMIN)


@pytest.fixture
def local_attempts() -> Iterator[None]:
    # The browser posts from 127.0.0.1: start and leave its registration counter at zero.
    cache.delete(attempt_key("127.0.0.1"))
    yield
    cache.delete(attempt_key("127.0.0.1"))


def fill_public_form(page: Page) -> None:
    page.check("input[name=owner_type][value=business]")
    page.fill("#id_owner_name", "Corner Bakery")
    page.fill("#id_contact_name", "Dana Baker")
    page.fill("#id_contact_phone", "414-555-0199")
    page.fill("#id_contact_email", "dana@bakery.example")
    page.fill("#id_camera_name", "Front door, looking at the street")
    page.fill("#id_address", "2200 N FARWELL AVE")
    page.check("input[name=tier][value=footage]")
    page.fill("#id_retention_days", "14")


def drag(page: Page, selector: str, dx: float, dy: float) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def test_public_registration_review_and_approval_put_the_camera_on_the_ops_map(
    page: Page, second_page: Page, asgi_server: str, admin_login: str, local_attempts: None
) -> None:
    # --- the owner, no account -----------------------------------------------------------
    page.goto(f"{asgi_server}/cameras/register/")
    expect(page.locator("h1")).to_have_text("Register your security camera")
    expect(page.locator("#id_website")).not_to_be_in_viewport()  # off-screen by CSS, not type=hidden
    fill_public_form(page)
    expect(page.locator("#map-hint")).to_be_visible()
    page.locator("#reg-map").click(position={"x": 330, "y": 200})
    expect(page.locator("#map-hint")).to_be_hidden()
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^4\d\.\d{6}$"))
    # The first click zooms in to street level; a second one places the pin precisely.
    page.locator("#reg-map").click(position={"x": 300, "y": 240})
    page.locator("#heading-slider").fill("200")
    expect(page.locator("#id_heading")).to_have_value("200")
    expect(page.locator("#heading-word")).to_have_text("towards the south")
    cone = page.locator("path.view-cone")
    expect(cone).to_have_count(1)
    assert len(cone.get_attribute("d") or "") > 40
    lat, lon = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    page.locator("#s-camera").scroll_into_view_if_needed()
    screenshot(page, "camera_register_form.png")
    page.screenshot(path=str(OUTPUT_DIR / "camera_register_form_full.png"), full_page=True)

    page.click("#submit-registration")
    expect(page).to_have_url(f"{asgi_server}/cameras/register/thanks/")
    reference = page.locator("#registration-reference").inner_text()
    assert re.fullmatch(r"CAM-[0-9A-Z]{8}", reference)
    screenshot(page, "camera_register_thanks.png")
    camera = Camera.objects.get(reference=reference)
    assert (camera.status, camera.heading, camera.contact_email) == ("pending", 200, "dana@bakery.example")
    assert camera.location.coords == pytest.approx((lon, lat), abs=1e-6)
    assert problems(page) == []

    # A second registration waits behind it, to be rejected.
    later = CameraFactory(status="pending", source="community", name="Garage side", reference="CAM-LATER001")

    # --- the admin reviews ------------------------------------------------------------------
    admin = second_page
    sign_in(admin, asgi_server, admin_login, path="/cameras/review/")
    item = admin.locator(f"#review-{camera.pk}")
    expect(item).to_have_class(re.compile(r"\bselected\b"))
    expect(item).to_contain_text("dana@bakery.example")
    expect(admin.locator("#pending-count")).to_have_text("2")
    drag(admin, f"#review-{camera.pk} .camera-pin", 70, -45)
    expect(admin.locator("#review-coords")).to_contain_text("moved")
    admin.locator("#review-heading-slider").fill("250")
    admin.wait_for_timeout(300)
    screenshot(admin, "camera_review.png")
    admin.click("#review-approve")
    expect(admin.locator("#review-status")).to_contain_text(f"Approved {reference}")
    camera.refresh_from_db()
    assert (camera.status, camera.heading) == ("approved", 250)
    assert camera.location.coords != pytest.approx((lon, lat), abs=1e-6)

    # The next registration is selected; an empty reason comes back from the API as an inline error.
    expect(admin.locator(f"#review-{later.pk}")).to_have_class(re.compile(r"\bselected\b"))
    admin.click("#review-reject button[type=submit]")
    expect(admin.locator("#review-error")).to_contain_text("reason")
    admin.fill("#review-reason", "Duplicate of an existing registration")
    admin.click("#review-reject button[type=submit]")
    expect(admin.locator("#review-status")).to_contain_text("Rejected CAM-LATER001")
    expect(admin.locator("#review-empty")).to_be_visible()
    expect(admin.locator("#pending-count")).to_have_text("0")
    later.refresh_from_db()
    assert (later.status, later.rejection_reason) == ("rejected", "Duplicate of an existing registration")
    expected_refusal = [p for p in problems(admin) if "/reject/" in p or "status of 400" in p]
    assert len(expected_refusal) == 2, problems(admin)
    assert [p for p in problems(admin) if p not in expected_refusal] == []

    # --- the camera on the ops map ------------------------------------------------------------
    admin.goto(f"{asgi_server}/ops/")
    admin.wait_for_function("() => window.rtccMap !== undefined")
    admin.evaluate(
        "([lat, lon]) => window.rtccMap.setView([lat, lon], 18, { animate: false })",
        [camera.location.y, camera.location.x],
    )
    expect(admin.locator(f".camera-marker.camera-{camera.pk}")).to_be_visible(timeout=5_000)
    expect(admin.locator(f"path.camera-cone.cone-{camera.pk}")).to_have_count(1)
    expect(admin.locator(f".camera-marker.camera-{later.pk}")).to_have_count(0)
    screenshot(admin, "camera_on_ops_map.png")
    assert [p for p in problems(admin) if p not in expected_refusal] == []


def test_public_form_fits_a_phone_and_keeps_answers_after_an_error(
    browser: Browser, asgi_server: str, local_attempts: None
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{asgi_server}/cameras/register/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    fill_public_form(phone)
    # Coordinates typed by hand (no map needed) place the pin too.
    phone.fill("#id_latitude", "43.0601")
    phone.fill("#id_longitude", "-87.8829")
    phone.locator("#id_longitude").dispatch_event("change")
    expect(phone.locator(".camera-pin")).to_have_count(1)
    phone.fill("#id_contact_email", "not-an-email")
    phone.evaluate("document.getElementById('register-form').noValidate = true")
    phone.click("#submit-registration")
    expect(phone.locator("#id_contact_email_error")).to_be_visible()
    expect(phone.locator("#id_owner_name")).to_have_value("Corner Bakery")
    expect(phone.locator(".camera-pin")).to_have_count(1)
    assert not Camera.objects.exists()
    phone.screenshot(path=str(OUTPUT_DIR / "camera_register_phone.png"), full_page=True)
    context.close()


def test_admin_camera_form_places_the_camera_by_click_and_previews_the_cone(
    page: Page, asgi_server: str, admin_login: str
) -> None:
    sign_in(page, asgi_server, admin_login)
    page.goto(f"{asgi_server}/admin/cameras/camera/add/")
    page.fill("#id_name", "Library entrance")
    page.select_option("#id_owner_type", "city")
    map_box = page.locator("#id_location-map")
    map_box.scroll_into_view_if_needed()
    map_box.click(position={"x": 200, "y": 150})
    expect(page.locator("#id_location")).to_have_value(re.compile(r'"type":\s*"Point"'))
    page.fill("#id_heading", "45")
    page.fill("#id_fov", "60")
    page.fill("#id_range_m", "80")
    expect(page.locator("#id_location-map path.view-cone")).to_have_count(1)
    before = page.input_value("#id_location")
    drag(page, "#id_location-map img.leaflet-marker-draggable", 40, 30)
    expect(page.locator("#id_location")).not_to_have_value(before)
    screenshot(page, "camera_admin_form.png")
    page.fill("#id_stream_url", "rtsp://10.1.2.3/stream1")
    page.fill("#id_stream_username", "viewer")
    page.fill("#id_stream_password", "s3cret-pass")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    camera = Camera.objects.get()
    assert (camera.status, camera.heading, camera.fov, camera.range_m) == ("approved", 45, 60, 80)
    assert camera.has_credentials and camera.view_cone is not None
    assert problems(page) == []
