"""What schemathesis found (docs/fuzzing.md), pinned as plain API tests: 400 naming the field, not 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from rest_framework.test import APIClient

from cases.services import case_open
from operations.models import Operation
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_huge_limit_is_cut_to_the_maximum(supervisor: Any) -> None:
    response = client_for(supervisor).get("/api/v1/alerts/", {"limit": "1088408515323006619825995776"})
    assert response.status_code == 200, response.content


def test_since_hours_out_of_range_is_a_400_naming_it(supervisor: Any) -> None:
    response = client_for(supervisor).get("/api/v1/shots/layer/", {"since_hours": "6.16e16"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("since_hours:")


def test_filter_errors_have_the_common_error_shape(supervisor: Any) -> None:
    response = client_for(supervisor).get("/api/v1/incidents/", {"priority": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("priority:")
    assert "priority" in body["details"]


@pytest.mark.parametrize("value", ["2026-11-23T10:00:00-18:32", "0113-09-08T10:38:04Z", "4232-04-10T07:20:48Z"])
def test_implausible_date_time_filters_are_a_400(supervisor: Any, value: str) -> None:
    response = client_for(supervisor).get("/api/v1/incidents/", {"received_after": value})
    assert response.status_code == 400
    assert response.json()["error"].startswith("received_after:")


def test_a_log_entry_before_1900_is_a_400_naming_at(supervisor: Any) -> None:
    operation = Operation.objects.create(
        name="Parade",
        area=MultiPolygon(Polygon.from_bbox((-88.0, 43.0, -87.9, 43.1)), srid=4326),
        starts_at="2026-11-23T10:00:00Z",
        ends_at="2026-11-24T10:00:00Z",
        created_by=supervisor,
    )
    response = client_for(supervisor).post(
        f"/api/v1/operations/{operation.pk}/log/", {"text": "x", "at": "0113-09-08T10:38:04Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("at:")


def test_an_external_id_taken_by_another_camera_is_a_400(admin_user: Any) -> None:
    CameraFactory(source="import", external_id="A-1")
    other = CameraFactory(source="import", external_id="B-1")
    response = client_for(admin_user).post(f"/api/v1/cameras/{other.pk}/update/", {"external_id": "A-1"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("external_id:")


def test_a_packet_with_a_summary_longer_than_a_page_is_generated(supervisor: Any) -> None:
    summary = " ".join(f"word{n}" for n in range(3000))
    case = case_open(actor=supervisor, title="Long summary", summary=summary)
    response = client_for(supervisor).get(f"/api/v1/cases/{case.pk}/packet/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
