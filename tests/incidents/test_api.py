"""Incident read APIs: GeoJSON layer with bbox, list filters, detail, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import IncidentFactory


@pytest.fixture
def client(analyst: Any) -> APIClient:
    api = APIClient()
    api.force_login(analyst)
    return api


@pytest.mark.django_db
def test_layer_is_geojson_limited_to_the_bbox(client: APIClient) -> None:
    inside = IncidentFactory(location=Point(-87.95, 43.05, srid=4326))
    IncidentFactory(location=Point(-87.80, 43.15, srid=4326))
    IncidentFactory(location=None, location_status="missing")
    response = client.get("/api/v1/incidents/layer/?bbox=-88.0,43.0,-87.9,43.1")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [inside.id]
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-87.95, 43.05]}
    assert feature["properties"]["external_id"] == inside.external_id


@pytest.mark.django_db
def test_layer_leaves_out_unlocated_and_filters_open(client: APIClient) -> None:
    IncidentFactory(status="closed")
    open_one = IncidentFactory(status="dispatched")
    IncidentFactory(location=None, location_status="out_of_area")
    body = client.get("/api/v1/incidents/layer/?open=true").json()
    assert [f["id"] for f in body["features"]] == [open_one.id]


@pytest.mark.django_db
def test_bad_bbox_is_a_400(client: APIClient) -> None:
    response = client.get("/api/v1/incidents/layer/?bbox=a,b,c")
    assert response.status_code == 400


@pytest.mark.django_db
def test_list_filters_and_unlocated_incidents(client: APIClient) -> None:
    IncidentFactory(priority=1)
    unlocated = IncidentFactory(priority=3, location=None, location_status="missing")
    body = client.get("/api/v1/incidents/?located=false").json()
    assert [r["id"] for r in body["results"]] == [unlocated.id]
    assert body["results"][0]["lat"] is None
    assert client.get("/api/v1/incidents/?priority__lte=2").json()["count"] == 1


@pytest.mark.django_db
def test_detail_and_missing_incident(client: APIClient) -> None:
    incident = IncidentFactory(narrative="two callers")
    assert client.get(f"/api/v1/incidents/{incident.id}/").json()["narrative"] == "two callers"
    missing = client.get("/api/v1/incidents/999999/")
    assert missing.status_code == 404
    assert missing.json() == {"error": "No such incident."}


@pytest.mark.django_db
def test_list_and_layer_use_a_constant_number_of_queries(client: APIClient) -> None:
    IncidentFactory.create_batch(3)
    client.get("/api/v1/incidents/")  # warm session and auth caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/incidents/layer/")
    IncidentFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/incidents/layer/")
    # session, user, count, then the page written by PostgreSQL between two time-zone settings
    assert len(many) == len(few) <= 7
