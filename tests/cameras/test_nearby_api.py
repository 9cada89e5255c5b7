"""GET /api/v1/cameras/nearby/: ordering rule, radius, marking, roles and what each role may read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from cameras.choices import Health
from tests.cameras.test_geometry import projected
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

SPOT = (43.05, -87.95)  # (lat, lon) of the incident everybody looks for


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def camera_looking_at_spot(name: str, *, bearing_from_spot: float, distance_m: float, **fields: Any) -> Any:
    """A camera `distance_m` from the spot, placed along `bearing_from_spot` and looking back at it."""
    lat, lon = projected(*SPOT, bearing_from_spot, distance_m)
    defaults = {"heading": (bearing_from_spot + 180) % 360, "fov": 60, "range_m": 200}
    defaults.update(fields)
    return CameraFactory(name=name, location=Point(lon, lat, srid=4326), **defaults)


def nearby(user: Any, **params: Any) -> Any:
    query = {"lat": SPOT[0], "lon": SPOT[1], "radius": 300, **params}
    return client_for(user).get("/api/v1/cameras/nearby/", query)


def test_live_cameras_that_see_come_first_then_others_that_see_then_the_rest_by_distance(analyst) -> None:
    blind_close = camera_looking_at_spot("blind close", bearing_from_spot=0, distance_m=20, heading=0, tier="live")
    footage_sees = camera_looking_at_spot("footage sees", bearing_from_spot=90, distance_m=60, tier="footage")
    live_sees_far = camera_looking_at_spot("live sees far", bearing_from_spot=180, distance_m=150, tier="live")
    register_sees = camera_looking_at_spot("register sees", bearing_from_spot=270, distance_m=40, tier="register")
    blind_far = camera_looking_at_spot("blind far", bearing_from_spot=45, distance_m=250, heading=45)

    rows = nearby(analyst).json()

    assert [row["name"] for row in rows] == [
        live_sees_far.name,
        register_sees.name,
        footage_sees.name,
        blind_close.name,
        blind_far.name,
    ]
    assert [row["sees_point"] for row in rows] == [True, True, True, False, False]
    assert rows[0]["distance_m"] == pytest.approx(150, abs=0.5)
    # Bearing from the camera to the spot: the camera stands south of it, so it looks north.
    assert rows[0]["bearing_from_camera"] == pytest.approx(0, abs=0.1)


def test_offline_and_mou_expired_live_cameras_are_marked_and_not_ranked_as_live(analyst) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    offline = camera_looking_at_spot("offline live", bearing_from_spot=0, distance_m=30, tier="live")
    offline.health = Health.OFFLINE
    offline.save(update_fields=["health"])
    lapsed = camera_looking_at_spot(
        "lapsed live", bearing_from_spot=90, distance_m=40, tier="live", mou_expires_on=yesterday
    )
    usable = camera_looking_at_spot("usable live", bearing_from_spot=180, distance_m=120, tier="live")

    rows = {row["name"]: row for row in nearby(analyst).json()}
    order = list(rows)

    assert order[0] == usable.name
    assert rows[offline.name]["offline"] is True and rows[offline.name]["live_available"] is True
    assert rows[lapsed.name]["mou_expired"] is True
    assert rows[lapsed.name]["live_available"] is False and rows[lapsed.name]["footage_requestable"] is False
    assert rows[usable.name]["offline"] is False and rows[usable.name]["mou_expired"] is False


def test_radius_limits_the_search(analyst) -> None:
    camera_looking_at_spot("at 250 m", bearing_from_spot=0, distance_m=250)
    camera_looking_at_spot("at 400 m", bearing_from_spot=0, distance_m=400, range_m=500)
    assert [row["name"] for row in nearby(analyst, radius=300).json()] == ["at 250 m"]
    assert [row["name"] for row in nearby(analyst, radius=500).json()] == ["at 400 m", "at 250 m"]
    assert nearby(analyst, radius=100).json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"radius": 0}, "radius"),
        ({"radius": 50000}, "radius"),
        ({"lat": 95}, "lat"),
        ({"lon": -200}, "lon"),
        ({"lat": "north"}, "lat"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_query_is_a_400_naming_the_parameter(analyst, params: dict[str, Any], field: str) -> None:
    response = nearby(analyst, **params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")


def test_missing_coordinates_are_a_400(analyst) -> None:
    response = client_for(analyst).get("/api/v1/cameras/nearby/", {"radius": 300})
    assert response.status_code == 400 and response.json()["error"].startswith("lat:")


def test_pending_rejected_and_retired_cameras_are_never_offered(analyst) -> None:
    for status in ("pending", "rejected", "retired"):
        camera_looking_at_spot(status, bearing_from_spot=0, distance_m=30, status=status)
    camera_looking_at_spot("approved", bearing_from_spot=0, distance_m=60)
    assert [row["name"] for row in nearby(analyst).json()] == ["approved"]


def test_anonymous_is_refused_and_a_user_without_role_is_forbidden(norole_user) -> None:
    camera_looking_at_spot("any", bearing_from_spot=0, distance_m=30)
    assert nearby(None).status_code == 401
    assert nearby(norole_user).status_code == 403


CONTACTS = {"contact_name", "contact_phone", "contact_email", "contact_after_hours"}


def test_contacts_go_to_analysts_and_admins_only(analyst, supervisor, admin_user) -> None:
    camera_looking_at_spot("partner", bearing_from_spot=0, distance_m=30, owner_type="business")
    for user in (analyst, admin_user):
        row = nearby(user).json()[0]
        assert set(row) >= CONTACTS and row["contact_phone"] == "414-555-0100"
    row = nearby(supervisor).json()[0]
    assert CONTACTS.isdisjoint(row)
    assert "414-555-0100" not in str(row)


def test_a_residential_owners_name_is_hidden_from_roles_without_contacts(analyst, supervisor) -> None:
    camera_looking_at_spot("porch", bearing_from_spot=0, distance_m=30, owner_type="residential", owner_name="Jane Doe")
    assert nearby(supervisor).json()[0]["owner_name"] == ""
    assert nearby(analyst).json()[0]["owner_name"] == "Jane Doe"


def test_reading_contacts_is_audited(analyst, supervisor) -> None:
    camera = camera_looking_at_spot("partner", bearing_from_spot=0, distance_m=30)
    nearby(analyst)
    nearby(supervisor)
    events = AuditEvent.objects.filter(action="camera.contacts.nearby")
    assert [(event.actor_id, event.object_ref) for event in events] == [(analyst.pk, f"camera:{camera.pk}")]
    assert events[0].details == {"cameras": [camera.pk]}
