"""POST /api/v1/cameras/create/ and …/update/: bad input is a 400 naming the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cameras.models import Camera
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Pole 7", "owner_type": "city", "latitude": 43.05, "longitude": -87.95, "heading": 90, "fov": 70}


def post(user: Any, url: str, data: dict[str, Any]) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.post(url, data, format="json")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 95}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"heading": 400}, "heading"),
        ({"heading": -1}, "heading"),
        ({"fov": 0}, "fov"),
        ({"fov": 361}, "fov"),
        ({"range_m": 0}, "range_m"),
        ({"owner_type": "alien"}, "owner_type"),
        ({"tier": "everything"}, "tier"),
        ({"mou_signed_on": "2026-05-01", "mou_expires_on": "2026-01-01"}, "mou_expires_on"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_camera_input_is_refused_naming_the_field(admin_user: Any, change: dict[str, Any], field: str) -> None:
    response = post(admin_user, "/api/v1/cameras/create/", {**VALID, **change})
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:"), response.json()
    assert not Camera.objects.exists()


def test_a_valid_camera_is_approved_with_its_cone(admin_user: Any) -> None:
    response = post(admin_user, "/api/v1/cameras/create/", {**VALID, "heading": 360})
    assert response.status_code == 201
    camera = Camera.objects.get()
    assert (camera.status, camera.heading, camera.reference[:4]) == ("approved", 0, "CAM-")
    assert camera.view_cone is not None


def test_update_recomputes_the_cone_and_refuses_half_a_position(admin_user: Any) -> None:
    camera = CameraFactory(heading=0)
    before = camera.view_cone
    response = post(admin_user, f"/api/v1/cameras/{camera.pk}/update/", {"heading": 180})
    assert response.status_code == 200
    camera.refresh_from_db()
    assert camera.heading == 180 and not camera.view_cone.equals(before)
    response = post(admin_user, f"/api/v1/cameras/{camera.pk}/update/", {"latitude": 43.1})
    assert response.status_code == 400 and response.json()["error"].startswith("latitude:")


def test_only_admins_may_create(analyst: Any, supervisor: Any) -> None:
    for user in (analyst, supervisor):
        assert post(user, "/api/v1/cameras/create/", VALID).status_code == 403
    assert not Camera.objects.exists()
