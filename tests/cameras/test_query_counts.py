"""List endpoints of the camera registry cost the same number of queries for 3 rows or 30 (no N+1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cameras.models import FootageRequest
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def queries_for(user: Any, url: str) -> int:
    client = APIClient()
    # A fresh user object each time: roles are cached on the object for the length of a request.
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def add_cameras(count: int, analyst: Any) -> None:
    incident = IncidentFactory()
    now = timezone.now()
    for _ in range(count):
        camera = CameraFactory()
        FootageRequest.objects.create(
            camera=camera,
            incident=incident,
            window_start=now - timedelta(hours=1),
            window_end=now,
            reason="test",
            requested_by=analyst,
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cameras/",
        "/api/v1/cameras/layer/",
        "/api/v1/cameras/layer/?cones=1",
        "/api/v1/cameras/nearby/?lat=43.05&lon=-87.95&radius=500",
        "/api/v1/footage-requests/",
    ],
)
def test_list_query_count_does_not_grow_with_rows(analyst: Any, url: str) -> None:
    add_cameras(3, analyst)
    few = queries_for(analyst, url)
    add_cameras(27, analyst)
    many = queries_for(analyst, url)
    assert many == few, f"{url}: {few} queries for 3 rows, {many} for 30"
