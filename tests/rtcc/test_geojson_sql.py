"""Layer pages written by PostgreSQL (rtcc/api/geojson.py) are the pages rest_framework_gis writes.

Each test asks the same URL twice: once as the API answers, once with the SQL path switched off
(the view then falls back to rest_framework_gis), and compares the two documents feature by
feature: ids, order, properties (timestamps as instants), geometry, count and page links.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone
from rest_framework.test import APIClient

from cap.models import CapAlert
from lpr.models import Reader
from monitoring.api.layers import ZoneFeatureOut
from rtcc.api import geojson
from shots.api.serializers import ShotsFeatureOut
from shots.models import ShotsFired
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def client(supervisor: Any) -> APIClient:
    api = APIClient()
    api.force_login(supervisor)
    return api


def normalised(value: Any) -> Any:
    """Timestamps as instants (PostgreSQL trims trailing zeros of the fraction), floats to 1e-9."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and value[10] == "T":
        parsed = dt.datetime.fromisoformat(value)
        assert parsed.utcoffset() is not None, f"{value!r} has no offset"
        return ("instant", parsed.astimezone(UTC))
    return value


def both(client: APIClient, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, Any]]:
    fast = client.get(url)
    assert fast.status_code == 200, fast.content[:300]
    with monkeypatch.context() as patched:
        patched.setattr(geojson, "sql_features_for", lambda serializer_class: None)
        reference = client.get(url)
    assert reference.status_code == 200
    return fast.json(), reference.json()


def assert_same(fast: dict[str, Any], reference: dict[str, Any]) -> None:
    assert list(fast) == list(reference)
    assert [f["id"] for f in fast["features"]] == [f["id"] for f in reference["features"]]
    for mine, theirs in zip(fast["features"], reference["features"], strict=True):
        assert list(mine) == list(theirs)
        assert list(mine["properties"]) == list(theirs["properties"])
        for key in mine["properties"]:
            assert normalised(mine["properties"][key]) == normalised(theirs["properties"][key]), (key, mine, theirs)
        assert normalised(mine) == normalised(theirs)
    assert {key: fast[key] for key in ("type", "count", "next", "previous")} == {
        key: reference[key] for key in ("type", "count", "next", "previous")
    }


def seed_incidents() -> None:
    base = dt.datetime(2026, 3, 8, 7, 59, 59, 120000, tzinfo=UTC)  # the US DST change in Chicago
    IncidentFactory(received_at=base, dispatched_at=base + dt.timedelta(minutes=3), address='12 "O\'Brien" ST')
    IncidentFactory(received_at=base + dt.timedelta(hours=1), closed_at=base + dt.timedelta(hours=2))
    IncidentFactory(received_at=dt.datetime(2026, 7, 4, 12, 0, tzinfo=UTC), address="Ünïcode — Straße 5")
    IncidentFactory(received_at=timezone.now(), location=Point(-87.912345678901, 43.0876543210987, srid=4326))
    IncidentFactory(received_at=timezone.now(), location=Point(-80.0, 40.0, srid=4326))  # outside the bbox
    IncidentFactory(received_at=timezone.now(), location=None, location_status="failed")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?bbox=-88.0,43.0,-87.9,43.1",
        "?page_size=2",
        "?page_size=2&page=2",
        "?page_size=2&page=last",
        "?district=3&page_size=1&page=3",
        "?bbox=0,0,1,1",
    ],
)
def test_incident_layer_pages_match_rest_framework_gis(
    client: APIClient, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    seed_incidents()
    fast, reference = both(client, f"/api/v1/incidents/layer/{query}", monkeypatch)
    assert_same(fast, reference)


def test_times_are_in_the_agency_zone_and_order_is_kept(client: APIClient) -> None:
    seed_incidents()
    body = client.get("/api/v1/incidents/layer/").json()
    received = [feature["properties"]["received_at"] for feature in body["features"]]
    assert "2026-03-08T01:59:59.12-06:00" in received  # CST, before the change at 02:00 local
    assert "2026-07-04T07:00:00-05:00" in received  # CDT
    instants = [dt.datetime.fromisoformat(value) for value in received]
    assert instants == sorted(instants, reverse=True)
    assert body["count"] == 5  # the unlocated one is not on the map


def test_a_page_past_the_end_is_the_same_404(client: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_incidents()
    response = client.get("/api/v1/incidents/layer/?page=9")
    with monkeypatch.context() as patched:
        patched.setattr(geojson, "sql_features_for", lambda serializer_class: None)
        reference = client.get("/api/v1/incidents/layer/?page=9")
    assert (response.status_code, response.json()) == (reference.status_code, reference.json())
    assert response.status_code == 404
    assert response.json() == {"error": "Invalid page."}


def test_cap_reader_and_shots_layers_match_rest_framework_gis(
    client: APIClient, monkeypatch: pytest.MonkeyPatch, lpr_feed_for_layers: Any
) -> None:
    square = Polygon(((-88.0, 43.0), (-87.9, 43.0), (-87.9, 43.1), (-88.0, 43.1), (-88.0, 43.0)))
    for number, expires in enumerate([None, timezone.now() + dt.timedelta(hours=3)]):
        CapAlert.objects.create(
            source="nws", sender="w-nws.webmaster@noaa.gov", identifier=f"cap-{number}", sent=timezone.now(),
            status="Actual", msg_type="Alert", scope="Public", event="Flood Warning", headline="Flood & \"more\"",
            severity="Severe", urgency="Immediate", certainty="Observed", expires=expires,
            area=MultiPolygon(square) if number else None, infos=[], xml="<alert/>",
        )  # fmt: skip
    for number in range(3):
        Reader.objects.create(
            name=f"Reader {number}", feed=lpr_feed_for_layers, external_id=f"R{number}",
            location=Point(-87.95 + number / 100, 43.05, srid=4326), direction="NB" if number else "",
        )  # fmt: skip
    incident = IncidentFactory()
    for number, (confidence, rounds) in enumerate([(None, None), (0.875, 4), (1.0, 12)]):
        ShotsFired.objects.create(
            source="shotspotter", external_id=f"S{number}", detected_at=timezone.now() - dt.timedelta(minutes=number),
            location=Point(-87.95, 43.05 + number / 1000, srid=4326), rounds=rounds, detection_type="multiple",
            confidence=confidence, district="3", incident=incident if number == 1 else None,
        )  # fmt: skip
    for url in ("/api/v1/cap/layer/", "/api/v1/lpr/readers/layer/", "/api/v1/shots/layer/"):
        fast, reference = both(client, url, monkeypatch)
        assert fast["features"], url
        assert_same(fast, reference)


@pytest.fixture
def lpr_feed_for_layers(db: None) -> Any:
    from feeds import services as feed_services

    feed, _key = feed_services.feed_create(name="layer readers", kind="lpr")
    return feed


def test_serializers_that_need_python_keep_rest_framework_gis() -> None:
    from cameras.api.serializers import CameraFeatureOut
    from incidents.api.serializers import IncidentFeatureOut

    assert geojson.sql_features_for(IncidentFeatureOut) is not None
    assert geojson.sql_features_for(CameraFeatureOut) is None  # method fields
    assert geojson.sql_features_for(ZoneFeatureOut) is None  # a declared field
    assert geojson.sql_features_for(ShotsFeatureOut) == geojson.SqlFeatures(
        id_field="id",
        geo_field="location",
        properties=(
            "source", "external_id", "detected_at", "rounds", "detection_type", "confidence", "review_status",
            "address", "district", "incident",
        ),
    )  # fmt: skip
