"""`?operation=<id>` scopes the map's incident layer, the incident list and the alert list to a
large-event operation's area and window; an operation the user cannot read is a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from accounts.roles import Role
from alerts.models import Alert
from operations.models import Operation
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

INSIDE = Point(-87.95, 43.05, srid=4326)
OUTSIDE = Point(-87.90, 43.10, srid=4326)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_incident_layer_and_list_keep_only_incidents_inside(analyst: Any, operation: Operation) -> None:
    inside = IncidentFactory(location=INSIDE)
    IncidentFactory(location=OUTSIDE)
    client = client_for(analyst)
    layer = client.get("/api/v1/incidents/layer/", {"operation": operation.pk}).json()
    assert [feature["id"] for feature in layer["features"]] == [inside.pk]
    listed = client.get("/api/v1/incidents/", {"operation": operation.pk}).json()
    assert [row["id"] for row in listed["results"]] == [inside.pk]
    assert len(client.get("/api/v1/incidents/").json()["results"]) == 2


def test_alert_list_keeps_only_alerts_inside(analyst: Any, operation: Operation) -> None:
    def alert(key: str, location: Point) -> Alert:
        return Alert.objects.create(
            type="shots_fired", priority=1, title=key, source_key=key, location=location, streams=["ops"]
        )

    inside = alert("in", INSIDE)
    alert("out", OUTSIDE)
    body = client_for(analyst).get("/api/v1/alerts/", {"operation": operation.pk}).json()
    assert [row["id"] for row in body["results"]] == [inside.pk]


@pytest.mark.parametrize("url", ["/api/v1/incidents/layer/", "/api/v1/alerts/"])
def test_unknown_or_unreadable_operation_is_a_404(make_user: Any, operation: Operation, url: str) -> None:
    assert client_for(make_user("scope-analyst", Role.ANALYST)).get(url, {"operation": 999999}).status_code == 404
    # The wall display reads incidents and alerts but not operations.
    assert client_for(make_user("scope-wall", Role.WALL)).get(url, {"operation": operation.pk}).status_code == 404
