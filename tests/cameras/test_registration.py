"""Community self-registration (public form, spam protection), the admin review queue, and the
Django admin's camera form, against the real database and the Redis cache."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import Client, RequestFactory

from audit.models import AuditEvent
from cameras.geometry import view_cone
from cameras.models import Camera
from cameras.ratelimit import attempt_key, client_ip
from rtcc.crypto import decrypt_text
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

REGISTER = "/cameras/register/"
THANKS = "/cameras/register/thanks/"
REVIEW = "/cameras/review/"
_addresses = itertools.count(1)


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "owner_name": "Corner Bakery",
        "owner_type": "business",
        "contact_name": "Dana Baker",
        "contact_phone": "414-555-0199",
        "contact_email": "dana@bakery.example",
        "contact_after_hours": "414-555-0142 (mobile)",
        "address": "2200 N FARWELL AVE",
        "camera_name": "Front door, looking at the street",
        "latitude": "43.0601",
        "longitude": "-87.8829",
        "heading": "135",
        "fov": "100",
        "range_m": "40",
        "tier": "footage",
        "retention_days": "14",
        "recording_hours": "24/7",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def new_ip() -> Iterator[Any]:
    """Hands out client addresses whose attempt counters start (and end) at zero."""
    used: list[str] = []

    def make() -> str:
        ip = f"203.0.113.{next(_addresses) % 250 + 1}"
        cache.delete(attempt_key(ip))
        used.append(ip)
        return ip

    yield make
    cache.delete_many([attempt_key(ip) for ip in used])


def submit(client: Client, ip: str, **overrides: str) -> Any:
    return client.post(REGISTER, registration(**overrides), REMOTE_ADDR=ip)


def test_register_page_is_public_with_a_css_hidden_honeypot() -> None:
    response = Client().get(REGISTER)
    assert response.status_code == 200
    html = response.content.decode()
    honeypot = re.search(r"<input[^>]*name=\"website\"[^>]*>", html)
    assert honeypot is not None
    assert 'type="text"' in honeypot.group(0)
    assert 'autocomplete="off"' in honeypot.group(0)
    assert 'class="hp"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Footage on request" in html and "You decide each time" in html


def test_valid_submission_is_stored_pending_and_its_reference_shown_from_the_session(new_ip: Any) -> None:
    client, ip = Client(), new_ip()
    response = submit(client, ip)

    assert response.status_code == 302
    assert response["Location"] == THANKS
    camera = Camera.objects.get()
    assert re.fullmatch(r"CAM-[0-9A-Z]{8}", camera.reference)
    assert camera.reference not in response["Location"]
    assert (camera.status, camera.source, camera.submitted_from) == ("pending", "community", ip)
    assert (camera.name, camera.owner_name, camera.owner_type) == (
        "Front door, looking at the street",
        "Corner Bakery",
        "business",
    )
    assert (camera.contact_email, camera.contact_phone, camera.address) == (
        "dana@bakery.example",
        "414-555-0199",
        "2200 N FARWELL AVE",
    )
    assert camera.location.coords == pytest.approx((-87.8829, 43.0601))
    assert (camera.heading, camera.fov, camera.range_m) == (135, 100, 40)
    assert (camera.tier, camera.retention_days, camera.recording_hours) == ("footage", 14, "24/7")
    assert camera.view_cone is not None

    thanks = client.get(THANKS)
    assert thanks.status_code == 200
    assert camera.reference in thanks.content.decode()
    # Another browser (no session) sees a neutral page, not someone else's reference.
    other = Client().get(THANKS)
    assert other.status_code == 200
    assert "CAM-" not in other.content.decode()


def test_filled_honeypot_is_rejected_and_nothing_is_stored(new_ip: Any) -> None:
    response = submit(Client(), new_ip(), website="http://spam.example")
    assert response.status_code == 400
    assert "rejected" in response.content.decode()
    assert "website" not in response.content.decode()
    assert not Camera.objects.exists()


def test_sixth_post_from_one_address_within_the_hour_is_429_while_another_address_still_works(
    new_ip: Any, settings: Any
) -> None:
    assert settings.RTCC_REGISTRATION_PER_IP_HOUR == 5
    client, ip = Client(), new_ip()
    # Attempts count, not successes: failed validation and the honeypot use up the allowance too.
    assert submit(client, ip).status_code == 302
    assert submit(client, ip, latitude="95").status_code == 400
    assert submit(client, ip, website="x").status_code == 400
    assert submit(client, ip, contact_email="").status_code == 400
    assert submit(client, ip).status_code == 302
    # A forged X-Forwarded-For does not reset the count: no proxy is trusted by default.
    limited = client.post(REGISTER, registration(), REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert limited.status_code == 429
    assert "try again later" in limited.content.decode()
    assert limited["Retry-After"] == "3600"
    assert Camera.objects.count() == 2

    assert submit(Client(), new_ip()).status_code == 302
    assert Camera.objects.count() == 3


def test_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(settings: Any) -> None:
    request = RequestFactory().post(REGISTER, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(request) == "10.0.0.2"
    settings.RTCC_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.9"
    settings.RTCC_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.RTCC_TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not trusted
    assert client_ip(request) == "10.0.0.2"


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("latitude", {"latitude": "95"}),
        ("heading", {"heading": "400"}),
        ("fov", {"fov": "0"}),
        ("contact_email", {"contact_email": ""}),
        ("tier", {"tier": "everything"}),
        ("owner_type", {"owner_type": "city"}),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_stored(
    new_ip: Any, field: str, overrides: dict[str, str]
) -> None:
    response = submit(Client(), new_ip(), **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    # The visitor's other answers are kept in the re-rendered form.
    assert 'value="Corner Bakery"' in html
    assert not Camera.objects.exists()


def test_csrf_protection_stays_on_for_the_public_form(new_ip: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(REGISTER, registration(), REMOTE_ADDR=new_ip())
    assert response.status_code == 403
    assert not Camera.objects.exists()


def test_owner_contacts_reach_analysts_and_admins_but_not_supervisors(
    analyst: Any, supervisor: Any, admin_user: Any
) -> None:
    camera = CameraFactory(owner_type="residential", owner_name="R. Smith", contact_email="smith@home.example")
    seen = {}
    for user in (analyst, supervisor, admin_user):
        client = Client()
        client.force_login(user)
        seen[user.username] = client.get(f"/api/v1/cameras/{camera.pk}/").json()
    assert seen["ana"]["contact_email"] == seen["adm"]["contact_email"] == "smith@home.example"
    assert "contact_email" not in seen["sup"] and "contact_phone" not in seen["sup"]
    assert seen["sup"]["owner_name"] == ""


@pytest.fixture
def pending(new_ip: Any) -> Camera:
    assert submit(Client(), new_ip()).status_code == 302
    return Camera.objects.get()


def test_review_page_is_for_admins_and_shows_contacts(
    pending: Camera, admin_user: Any, analyst: Any, supervisor: Any
) -> None:
    anonymous = Client().get(REVIEW)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for user in (analyst, supervisor):
        client = Client()
        client.force_login(user)
        assert client.get(REVIEW).status_code == 403

    client = Client()
    client.force_login(admin_user)
    response = client.get(REVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert pending.reference in html and "414-555-0199" in html and "dana@bakery.example" in html
    assert "csrftoken" in response.cookies
    config = json.loads(re.search(r'<script id="review-config" type="application/json">(.*?)</script>', html)[1])
    assert [c["id"] for c in config["cameras"]] == [pending.pk]
    assert config["approveUrl"] == "/api/v1/cameras/{id}/approve/"
    assert AuditEvent.objects.filter(actor=admin_user, action="camera.contacts.review").exists()


def test_review_queue_lists_oldest_first(admin_user: Any) -> None:
    newer = CameraFactory(status="pending", source="community")
    older = CameraFactory(status="pending", source="community")
    Camera.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    CameraFactory(status="approved")
    client = Client()
    client.force_login(admin_user)
    html = client.get(REVIEW).content.decode()
    assert html.index(older.reference) < html.index(newer.reference)
    assert html.count('class="review-item"') == 2


def test_review_page_shows_the_oldest_registrations_up_to_its_page_size(admin_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("cameras.views.REVIEW_PAGE_SIZE", 2)
    oldest = [CameraFactory(status="pending", source="community") for _ in range(3)]
    client = Client()
    client.force_login(admin_user)
    html = client.get(REVIEW).content.decode()
    assert html.count('class="review-item"') == 2
    assert oldest[2].reference not in html
    assert 'id="pending-count">3<' in html and "Showing the oldest 2 of 3" in html


def test_approving_with_a_corrected_placement_moves_the_camera_and_recomputes_its_cone(
    pending: Camera, admin_user: Any
) -> None:
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        f"/api/v1/cameras/{pending.pk}/approve/",
        {"lat": 43.0605, "lon": -87.8835, "heading": 200},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    camera = Camera.objects.get()
    assert camera.status == "approved" and camera.reviewed_by == admin_user
    assert camera.location.coords == pytest.approx((-87.8835, 43.0605))
    assert camera.heading == 200
    expected = view_cone(Point(-87.8835, 43.0605, srid=4326), 200, camera.fov, camera.range_m)
    assert camera.view_cone.equals_exact(expected, 1e-9)
    assert not camera.view_cone.equals_exact(pending.view_cone, 1e-9)
    layer = client.get("/api/v1/cameras/layer/").json()
    assert [f["properties"]["reference"] for f in layer["features"]] == [camera.reference]


def test_rejecting_needs_a_reason(pending: Camera, admin_user: Any) -> None:
    client = Client()
    client.force_login(admin_user)
    url = f"/api/v1/cameras/{pending.pk}/reject/"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert "reason" in response.json()["error"]
    assert Camera.objects.get().status == "pending"

    response = client.post(url, {"reason": "Duplicate of CAM-12345678"}, content_type="application/json")
    assert response.status_code == 200
    camera = Camera.objects.get()
    assert (camera.status, camera.rejection_reason) == ("rejected", "Duplicate of CAM-12345678")


# --- Django admin ---------------------------------------------------------------------------


def admin_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Library entrance",
        "owner_type": "city",
        "owner_name": "City of Milwaukee",
        "address": "814 W WISCONSIN AVE",
        "tags": "library, entrance",
        "location": json.dumps({"type": "Point", "coordinates": [-87.9225, 43.0390]}),
        "heading": "90",
        "fov": "80",
        "range_m": "50",
        "mount_height_m": "",
        "contact_name": "Facilities desk",
        "contact_phone": "414-555-0110",
        "contact_email": "facilities@city.example",
        "contact_after_hours": "",
        "tier": "live",
        "retention_days": "30",
        "recording_hours": "24/7",
        "stream_url": "rtsp://cam-user:s3cret@10.1.2.3:554/stream1",
        "stream_username": "",
        "stream_password": "",
        "mou_signed_on": "",
        "mou_expires_on": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_pages_use_the_leaflet_widget_and_the_cone_script(admin_client: Client) -> None:
    html = admin_client.get("/admin/cameras/camera/add/").content.decode()
    assert "leaflet/leaflet.js" in html
    assert 'src="/static/cameras/admin_cone.js" type="module"' in html
    assert "openlayers" not in html.lower()
    assert 'name="stream_password"' in html
    assert admin_client.get("/admin/cameras/camera/").status_code == 200
    assert admin_client.get("/admin/cameras/footagerequest/").status_code == 200


def test_admin_add_goes_through_the_service_and_encrypts_credentials(admin_client: Client, admin_user: Any) -> None:
    response = admin_client.post("/admin/cameras/camera/add/", admin_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    camera = Camera.objects.get()
    assert (camera.status, camera.source, camera.reviewed_by) == ("approved", "admin", admin_user)
    assert re.fullmatch(r"CAM-[0-9A-Z]{8}", camera.reference)
    assert camera.stream_url == "rtsp://10.1.2.3:554/stream1"
    assert json.loads(decrypt_text(camera.stream_credentials_encrypted)) == {
        "username": "cam-user",
        "password": "s3cret",
    }
    assert camera.tags == ["entrance", "library"]
    assert camera.view_cone is not None
    event = AuditEvent.objects.get(action="camera.create")
    assert event.details["stream_credentials"] == "changed"
    assert "s3cret" not in json.dumps(event.details)

    page = admin_client.get(f"/admin/cameras/camera/{camera.pk}/change/").content.decode()
    assert "s3cret" not in page and camera.stream_credentials_encrypted not in page
    assert "stored (encrypted)" in page


def test_admin_change_keeps_blank_credentials_and_moves_the_cone(admin_client: Client) -> None:
    admin_client.post("/admin/cameras/camera/add/", admin_form())
    camera = Camera.objects.get()
    stored = camera.stream_credentials_encrypted
    moved = admin_form(
        stream_url="rtsp://10.1.2.3:554/stream1",
        heading="270",
        location=json.dumps({"type": "Point", "coordinates": [-87.9230, 43.0395]}),
    )
    response = admin_client.post(f"/admin/cameras/camera/{camera.pk}/change/", moved)
    assert response.status_code == 302, response.content.decode()[:3000]
    camera.refresh_from_db()
    assert camera.stream_credentials_encrypted == stored
    assert camera.heading == 270
    assert camera.location.coords == pytest.approx((-87.9230, 43.0395))
    assert AuditEvent.objects.filter(action="camera.update").count() == 1

    admin_client.post(f"/admin/cameras/camera/{camera.pk}/change/", {**moved, "clear_credentials": "on"})
    camera.refresh_from_db()
    assert camera.stream_credentials_encrypted == ""


def test_admin_form_refuses_impossible_values_without_saving(admin_client: Client) -> None:
    response = admin_client.post("/admin/cameras/camera/add/", admin_form(fov="0", range_m="5000"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Field of view must be more than 0" in html and "at most 2000 metres" in html
    assert not Camera.objects.exists()
