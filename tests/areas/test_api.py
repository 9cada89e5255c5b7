"""Beat and district layers (GeoJSON, bbox, simplify, ETag) and the point lookup."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from areas.selectors import area_for_point

SLICE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "areas" / "chicago_beats_slice.geojson"
# Inside beat 0124 (district 01), south of the Loop; and a point in Lake Michigan.
IN_0124 = {"lat": 41.8677, "lon": -87.6395}
IN_LAKE = {"lat": 41.88, "lon": -87.55}

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas() -> None:
    call_command("import_areas", str(SLICE), "--derive-districts", stdout=StringIO())


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.ADMIN, Role.WALL])
def test_live_roles_read_the_beat_layer(areas: None, make_user: Any, role: Role) -> None:
    response = client_for(make_user(f"u-{role}", role)).get(reverse("api-area-beat-layer"))
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in body["features"]) == ["0112", "0113", "0124", "1654", "3100"]
    assert {f["geometry"]["type"] for f in body["features"]} == {"MultiPolygon"}
    assert response["Cache-Control"] == "private, max-age=300" and response["ETag"]


def test_no_role_and_anonymous_are_refused(areas: None, norole_user: Any) -> None:
    assert client_for(norole_user).get(reverse("api-area-district-layer")).status_code == 403
    assert APIClient().get(reverse("api-area-at"), IN_0124).status_code in (401, 403)


def test_bbox_filters_and_simplify_reduces_vertices(areas: None, analyst: Any) -> None:
    client = client_for(analyst)
    url = reverse("api-area-beat-layer")
    loop = client.get(url, {"bbox": "-87.64,41.86,-87.62,41.88"}).json()
    assert "0124" in [f["id"] for f in loop["features"]] and "3100" not in [f["id"] for f in loop["features"]]

    def vertices(body: dict[str, Any]) -> int:
        return sum(len(ring) for f in body["features"] for poly in f["geometry"]["coordinates"] for ring in poly)

    full = client.get(url).json()
    simple = client.get(url, {"simplify": "50"}).json()
    assert len(simple["features"]) == len(full["features"])
    assert vertices(simple) < vertices(full)


def test_bad_simplify_is_a_400_with_the_field(areas: None, analyst: Any) -> None:
    response = client_for(analyst).get(reverse("api-area-district-layer"), {"simplify": "-3"})
    assert response.status_code == 400 and response.json()["error"].startswith("simplify:")


def test_etag_revalidation_answers_304_until_the_next_import(areas: None, analyst: Any) -> None:
    client = client_for(analyst)
    url = reverse("api-area-district-layer")
    first = client.get(url)
    assert [f["id"] for f in first.json()["features"]] == ["01", "16", "31"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    call_command("import_areas", str(SLICE), "--derive-districts", stdout=StringIO())
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_lookup_names_beat_and_district(areas: None, analyst: Any) -> None:
    client = client_for(analyst)
    body = client.get(reverse("api-area-at"), IN_0124).json()
    assert body == {
        "beat": {"code": "0124", "district_code": "01", "sector": "2"},
        "district": {"code": "01", "name": "District 01"},
    }
    assert client.get(reverse("api-area-at"), IN_LAKE).json() == {"beat": None, "district": None}
    response = client.get(reverse("api-area-at"), {"lat": "95", "lon": "-87"})
    assert response.status_code == 400 and response.json()["error"].startswith("lat:")


def test_area_for_point_falls_back_to_the_beat_district_code(analyst: Any) -> None:
    call_command("import_areas", str(SLICE), stdout=StringIO())  # no districts imported
    match = area_for_point(**IN_0124)
    assert (match.beat_code, match.district_code, match.district) == ("0124", "01", None)


def test_beat_and_district_for_a_batch_of_points_in_one_query(areas: None, django_assert_num_queries: Any) -> None:
    from django.contrib.gis.geos import Point

    from areas.selectors import beat_district_for_points

    points = [Point(IN_0124["lon"], IN_0124["lat"], srid=4326), None, Point(IN_LAKE["lon"], IN_LAKE["lat"], srid=4326)]
    with django_assert_num_queries(1):
        found = beat_district_for_points(points)
    assert found == [("0124", "01"), ("", ""), ("", "")]
