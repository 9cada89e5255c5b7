"""MOU expiry: live access and footage requests stop by themselves; admins are warned ahead of time."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from audit.models import AuditEvent
from cameras import selectors, services
from cameras.models import Camera, FootageRequest
from cameras.tasks import check_camera_mous
from rtcc.errors import InvalidInput
from rtcc.models import OutboxEvent
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

METRES_PER_DEGREE_LAT = 111_320
SPOT = (43.0504, -87.95)  # (lat, lon): about 45 m north of the factory camera, inside its cone


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def camera_south_of_spot(metres: float, **fields: Any) -> Camera:
    """A camera `metres` south of the spot looking north at it (range 200 m)."""
    location = Point(SPOT[1], SPOT[0] - metres / METRES_PER_DEGREE_LAT, srid=4326)
    return CameraFactory(location=location, heading=0, fov=60, range_m=200, **fields)


def mou_alerts(camera: Camera) -> list[Alert]:
    return list(Alert.objects.filter(type="mou_expiring", source_key=f"camera:{camera.pk}"))


def camera_events(camera: Camera) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type="camera.updated", payload__id=camera.pk).order_by("seq"))


def test_live_access_and_footage_end_the_day_after_the_mou_expires() -> None:
    expires = dt.date(2031, 3, 31)
    live = CameraFactory.build(tier="live", mou_expires_on=expires)
    footage = CameraFactory.build(tier="footage", mou_expires_on=expires)

    day_before, last_day, day_after = expires - timedelta(days=1), expires, expires + timedelta(days=1)
    assert [live.live_available(day) for day in (day_before, last_day, day_after)] == [True, True, False]
    assert [live.footage_requestable(day) for day in (day_before, last_day, day_after)] == [True, True, False]
    assert [footage.footage_requestable(day) for day in (day_before, last_day, day_after)] == [True, True, False]
    assert [live.mou_expired(day) for day in (day_before, last_day, day_after)] == [False, False, True]

    without_mou = CameraFactory.build(tier="live", mou_expires_on=None)
    assert without_mou.live_available(dt.date(2099, 1, 1))


def test_footage_service_uses_the_local_date_of_the_request_time(analyst: Any) -> None:
    expires = dt.date(2031, 3, 31)
    camera = CameraFactory(mou_expires_on=expires)
    local = ZoneInfo(settings.TIME_ZONE)
    # Late on the last day in Chicago is already the next day in UTC: the MOU still holds.
    # Given in UTC, as timezone.now() gives it.
    late_last_day = dt.datetime(2031, 3, 31, 23, 30, tzinfo=local).astimezone(dt.UTC)
    early_next_day = dt.datetime(2031, 4, 1, 0, 30, tzinfo=local).astimezone(dt.UTC)

    def request_at(now: dt.datetime) -> FootageRequest:
        request, _ = services.footage_request_create(
            user=analyst,
            camera_id=camera.pk,
            window_start=now - timedelta(hours=2),
            window_end=now - timedelta(hours=1),
            reason="robbery",
            now=now,
        )
        return request

    assert request_at(late_last_day).status == "requested"
    with pytest.raises(InvalidInput, match=r"MOU expired on 2031-03-31"):
        request_at(early_next_day)
    assert FootageRequest.objects.count() == 1


def test_footage_request_api_refuses_cameras_whose_mou_expired(analyst: Any) -> None:
    today = timezone.localdate()
    expired = CameraFactory(mou_expires_on=today - timedelta(days=1))
    last_day = CameraFactory(mou_expires_on=today)
    now = timezone.now()
    body = {
        "window_start": (now - timedelta(hours=2)).isoformat(),
        "window_end": (now - timedelta(hours=1)).isoformat(),
        "reason": "robbery",
    }
    client = client_for(analyst)

    refused = client.post("/api/v1/footage-requests/create/", {**body, "camera": expired.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        f"camera: footage requests to {expired.reference} are disabled: its MOU expired on {today - timedelta(days=1)}"
    )
    assert not FootageRequest.objects.filter(camera=expired).exists()
    assert not AuditEvent.objects.filter(action="footage.request", object_ref=f"camera:{expired.pk}").exists()

    accepted = client.post("/api/v1/footage-requests/create/", {**body, "camera": last_day.pk}, format="json")
    assert accepted.status_code == 201


def test_nearby_marks_expired_mou_and_does_not_rank_the_camera_as_live(analyst: Any) -> None:
    today = timezone.localdate()
    lapsed_close = camera_south_of_spot(30, name="lapsed close", tier="live", mou_expires_on=today - timedelta(days=1))
    valid_far = camera_south_of_spot(120, name="valid far", tier="live", mou_expires_on=today + timedelta(days=90))
    for camera in (lapsed_close, valid_far):
        Camera.objects.filter(pk=camera.pk).update(stream_url=f"rtsp://198.51.100.{camera.pk % 250}/live")

    response = client_for(analyst).get("/api/v1/cameras/nearby/", {"lat": SPOT[0], "lon": SPOT[1], "radius": 300})

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert [row["name"] for row in response.json()] == ["valid far", "lapsed close"]
    assert (rows["lapsed close"]["mou_expired"], rows["lapsed close"]["live_available"]) == (True, False)
    assert (rows["valid far"]["mou_expired"], rows["valid far"]["live_available"]) == (False, True)
    assert rows["lapsed close"]["sees_point"] is rows["valid far"]["sees_point"] is True
    # Live access is off: analysts no longer get the stream address of the lapsed camera.
    assert "stream_url" not in rows["lapsed close"]
    assert rows["valid far"]["stream_url"].startswith("rtsp://")

    # The day before the lapse the same camera is live and, being closer, comes first.
    before = selectors.cameras_nearby(
        user=analyst, lat=SPOT[0], lon=SPOT[1], radius_m=300, today=today - timedelta(days=1)
    )
    assert [(item.camera.name, item.live_available) for item in before] == [
        ("lapsed close", True),
        ("valid far", True),
    ]


def test_mou_check_warns_once_marks_the_lapse_and_resolves_on_renewal(admin_user: Any) -> None:
    # Dates relative to the real today, so that the lapse pushed to the maps is the real state.
    expires = timezone.localdate() - timedelta(days=1)
    warning_days = settings.RTCC_MOU_WARNING_DAYS
    camera = CameraFactory(tier="live", name="School north gate", mou_expires_on=expires)
    untouched = [
        CameraFactory(mou_expires_on=None),
        CameraFactory(mou_expires_on=expires, status="pending"),
        CameraFactory(mou_expires_on=expires + timedelta(days=400)),
    ]

    assert services.cameras_check_mou(today=expires - timedelta(days=warning_days + 1)).warned == []
    assert mou_alerts(camera) == []

    warned = services.cameras_check_mou(today=expires - timedelta(days=warning_days))
    assert warned.warned == [camera.pk]
    (alert,) = mou_alerts(camera)
    assert (alert.streams, alert.status) == (["admin"], "new")
    assert alert.title == f"Camera MOU expires on {expires:%Y-%m-%d}: School north gate"
    assert list(OutboxEvent.objects.filter(payload__id=alert.pk).values_list("type", "stream")) == [
        ("alert.raised", "admin")
    ]
    camera.refresh_from_db()
    assert camera.mou_warned_for == expires

    for day in (expires - timedelta(days=warning_days), expires - timedelta(days=3), expires):
        again = services.cameras_check_mou(today=day)
        assert (again.warned, again.lapsed) == ([], [])
    assert mou_alerts(camera) == [alert]
    assert OutboxEvent.objects.filter(payload__id=alert.pk).count() == 1
    assert camera_events(camera) == []

    # The beat task runs on the real date, the day after expiry.
    assert check_camera_mous() == {"warned": 0, "lapsed": 1, "cleared": 0}
    (alert,) = mou_alerts(camera)
    assert alert.status == "new"
    assert alert.title.startswith(f"Camera MOU expired on {expires:%Y-%m-%d}")
    (lapse,) = camera_events(camera)
    assert lapse.stream == "ops"
    assert (lapse.payload["mou_expired"], lapse.payload["live_available"], lapse.payload["footage_requestable"]) == (
        True,
        False,
        False,
    )
    assert check_camera_mous() == {"warned": 0, "lapsed": 0, "cleared": 0}
    assert len(camera_events(camera)) == 1

    renewed_until = timezone.localdate() + timedelta(days=365)
    response = client_for(admin_user).post(
        f"/api/v1/cameras/{camera.pk}/update/", {"mou_expires_on": renewed_until.isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["live_available"] is True
    assert check_camera_mous() == {"warned": 0, "lapsed": 0, "cleared": 1}
    (alert,) = mou_alerts(camera)
    assert (alert.status, alert.resolution_note) == ("resolved", "MOU renewed")

    for other in untouched:
        assert mou_alerts(other) == []


def test_renewed_mou_is_warned_about_again_before_its_next_expiry() -> None:
    first_expiry = dt.date(2031, 3, 31)
    warning_days = settings.RTCC_MOU_WARNING_DAYS
    camera = CameraFactory(mou_expires_on=first_expiry)
    services.cameras_check_mou(today=first_expiry - timedelta(days=warning_days))
    second_expiry = dt.date(2032, 3, 31)
    Camera.objects.filter(pk=camera.pk).update(mou_expires_on=second_expiry)
    assert services.cameras_check_mou(today=first_expiry - timedelta(days=5)).cleared == [camera.pk]

    outcome = services.cameras_check_mou(today=second_expiry - timedelta(days=warning_days))

    assert outcome.warned == [camera.pk]
    (alert,) = mou_alerts(camera)
    assert alert.status == "new"
    assert "2032-03-31" in alert.title
