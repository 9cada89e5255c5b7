"""Plate read search: refused without purpose or case number (API and page), audited with criteria and
result count (search and export), exact and partial (? and *) plates, state, time window, radius,
polygon and reader filters, roles, bad input."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lpr.models import Read, Reader
from lpr.search import TOTAL_CAP
from lpr.services.reads import reads_insert_and_match
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/lpr/reads/search/"
EXPORT = "/api/v1/lpr/reads/export/"
PAGE = "/lpr/search/"
WHY = {"purpose": "stolen_vehicle", "case_number": "2026-004411"}
# Pole 17 NB (the `reader` fixture) and a second reader about 4 km away.
POLE_17 = (43.0389, -87.9065)
POLE_22 = (43.0700, -87.9500)


@pytest.fixture
def second_reader(lpr_feed: tuple[Any, str]) -> Reader:
    return Reader.objects.create(
        name="Pole 22 EB", feed=lpr_feed[0], external_id="pole-22", location=Point(POLE_22[1], POLE_22[0], srid=4326)
    )


def read(plate: str, *, hours_ago: float, state: str = "WI", reader: str = "pole-17") -> dict[str, Any]:
    lat, lon = POLE_17 if reader == "pole-17" else POLE_22
    return {
        "external_id": f"r-{plate}-{state}-{hours_ago}",
        "read_at": timezone.now() - timedelta(hours=hours_ago),
        "plate_raw": plate,
        "plate": plate,
        "state": state,
        "confidence": 91.0,
        "latitude": lat,
        "longitude": lon,
        "reader": reader,
    }


@pytest.fixture
def reads(lpr_feed: tuple[Any, str], reader: Reader, second_reader: Reader) -> dict[str, int]:
    """Distinctive plates; the key says which read it is, the value is its id."""
    batch = {
        "ABC1234 WI": read("ABC1234", hours_ago=1),
        "ABC1234 IL": read("ABC1234", hours_ago=2, state="IL", reader="pole-22"),
        "ABD1234": read("ABD1234", hours_ago=3),
        "ABX1234": read("ABX1234", hours_ago=4, reader="pole-22"),
        "AB1234": read("AB1234", hours_ago=5),
        "ABC12345": read("ABC12345", hours_ago=6),
        "ZZABC12": read("ZZABC12", hours_ago=7),
        "XYZ9876": read("XYZ9876", hours_ago=8),
        "ABC1234 old": read("ABC1234", hours_ago=24 * 40),
    }
    with transaction.atomic():
        reads_insert_and_match(feed=lpr_feed[0], reads=list(batch.values()))
    ids = {}
    for key, sent in batch.items():
        ids[key] = Read.objects.get(external_id=sent["external_id"]).pk
    return ids


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def found(response: Any, ids: dict[str, int]) -> set[str]:
    assert response.status_code == 200, response.content
    by_id = {value: key for key, value in ids.items()}
    return {by_id[row["id"]] for row in response.json()["results"]}


def search(user: Any, ids: dict[str, int], **params: Any) -> set[str]:
    return found(api(user).get(SEARCH, {**WHY, **params}), ids)


# --- refusal without purpose or case number ---------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"case_number": "2026-004411"}, "purpose"),
        ({"purpose": "", "case_number": "2026-004411"}, "purpose"),
        ({"purpose": "curiosity", "case_number": "2026-004411"}, "purpose"),
        ({"purpose": "stolen_vehicle"}, "case_number"),
        ({"purpose": "stolen_vehicle", "case_number": "   "}, "case_number"),
        ({"purpose": "stolen_vehicle", "case_number": "X" * 41}, "case_number"),
        ({}, "purpose"),
    ],
)
def test_api_search_without_purpose_or_case_number_is_refused_and_not_audited(
    analyst: Any, reads: dict[str, int], params: dict[str, str], field: str
) -> None:
    for url in (SEARCH, EXPORT):
        response = api(analyst).get(url, {"plate": "ABC1234", **params})
        assert response.status_code == 400
        assert response.json()["error"].startswith(f"{field}:")
    assert not AuditEvent.objects.filter(action__in=["lpr.search", "lpr.export"]).exists()


def test_missing_purpose_and_case_number_are_both_reported(analyst: Any, reads: dict[str, int]) -> None:
    details = api(analyst).get(SEARCH, {"plate": "ABC1234"}).json()["details"]
    assert set(details) == {"purpose", "case_number"}


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"case_number": "2026-004411"}, "every search needs a purpose code"),
        ({"purpose": "stolen_vehicle"}, "every search needs the case or CAD number"),
    ],
)
def test_page_search_without_purpose_or_case_number_is_refused_on_the_server(
    client: Client, analyst: Any, reads: dict[str, int], data: dict[str, str], field_error: str
) -> None:
    client.force_login(analyst)
    response = client.post(PAGE, {"plate": "ABC1234", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Search refused" in page and field_error in page
    assert 'id="reads-table"' not in page and 'id="result-summary"' not in page
    assert 'value="ABC1234"' in page  # the form comes back filled in
    assert not AuditEvent.objects.filter(action="lpr.search").exists()


def test_page_search_with_purpose_and_case_shows_results_markers_and_an_export_form(
    client: Client, analyst: Any, reads: dict[str, int]
) -> None:
    client.force_login(analyst)
    response = client.post(PAGE, {"plate": "AB?1234", "state": "wi", **WHY})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="reads-table"' in page
    shown = {int(row) for row in re.findall(r'data-read-id="(\d+)"', page)}
    assert shown == {reads["ABC1234 WI"], reads["ABD1234"], reads["ABX1234"]}
    config = response.context["search_config"]
    assert {marker["plate"] for marker in config["markers"]} == {"ABC1234", "ABD1234", "ABX1234"}
    export = dict(response.context["export_query"])
    assert (export["purpose"], export["case_number"], export["plate"], export["state"]) == (
        "stolen_vehicle",
        "2026-004411",
        "AB?1234",
        "WI",
    )
    (event,) = AuditEvent.objects.filter(action="lpr.search")
    assert (event.purpose, event.case_number, event.details["result_count"]) == ("stolen_vehicle", "2026-004411", 3)


def test_page_get_shows_the_empty_form_without_searching(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"Search refused" not in response.content
    assert b'<option value="stolen_vehicle">' in response.content
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_page_get_prefills_a_plate_from_the_map_search_without_searching(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.get(PAGE, {"plate": "ABC1234", "case_number": "CAD-7"})
    assert response.status_code == 200
    assert b'value="ABC1234"' in response.content and b'value="CAD-7"' in response.content
    assert b"Search refused" not in response.content
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists(), "a prefilled form is not a search"


# --- audit ------------------------------------------------------------------------------------


def test_each_search_is_audited_with_user_purpose_case_criteria_and_result_count(
    analyst: Any, reads: dict[str, int]
) -> None:
    client = api(analyst)
    client.get(SEARCH, {**WHY, "plate": "ABC1234"})
    client.get(SEARCH, {"purpose": "homicide", "case_number": "H-26-17", "plate": "XYZ9876", "state": "WI"})
    first, second = AuditEvent.objects.filter(action="lpr.search").order_by("at", "id")
    assert (first.actor_id, first.purpose, first.case_number) == (analyst.pk, "stolen_vehicle", "2026-004411")
    assert first.details["result_count"] == 2 and first.details["result_count_capped"] is False
    assert first.details["criteria"]["plate_pattern"] == "ABC1234"
    assert first.details["criteria"]["area"] is None
    assert (second.purpose, second.case_number, second.details["result_count"]) == ("homicide", "H-26-17", 1)
    assert second.details["criteria"]["state"] == "WI"


def test_case_number_of_a_known_incident_is_linked_and_unknown_numbers_are_stored(
    analyst: Any, reads: dict[str, int]
) -> None:
    incident = IncidentFactory(external_id="CAD-26-0091")
    api(analyst).get(SEARCH, {"purpose": "robbery", "case_number": "CAD-26-0091", "plate": "ABC1234"})
    api(analyst).get(SEARCH, {"purpose": "robbery", "case_number": "NOT-A-CAD", "plate": "ABC1234"})
    known, unknown = AuditEvent.objects.filter(action="lpr.search").order_by("id")
    assert known.details["incident_id"] == incident.pk
    assert (unknown.case_number, unknown.details["incident_id"]) == ("NOT-A-CAD", None)


def test_export_is_a_csv_of_the_search_and_is_audited(analyst: Any, reads: dict[str, int]) -> None:
    response = api(analyst).get(EXPORT, {**WHY, "plate": "ABC*"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["plate"] for row in rows) == ["ABC1234", "ABC1234", "ABC12345"]
    assert {row["reader"] for row in rows} == {"Pole 17 NB", "Pole 22 EB"}
    (event,) = AuditEvent.objects.filter(action="lpr.export")
    assert (event.purpose, event.case_number, event.details["result_count"]) == ("stolen_vehicle", "2026-004411", 3)
    assert event.details["criteria"]["plate_pattern"] == "ABC*"
    assert not AuditEvent.objects.filter(action="lpr.search").exists()


def test_export_neutralises_spreadsheet_formulas(analyst: Any, lpr_feed: tuple[Any, str], reader: Reader) -> None:
    evil = read("EVL123", hours_ago=1) | {"vehicle_make": "=HYPERLINK(1)"}
    with transaction.atomic():
        reads_insert_and_match(feed=lpr_feed[0], reads=[evil])
    body = b"".join(api(analyst).get(EXPORT, {**WHY, "plate": "EVL123"}).streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["vehicle_make"] == "'=HYPERLINK(1)"


# --- plates -----------------------------------------------------------------------------------


def test_exact_plate_finds_only_that_plate_in_any_state(analyst: Any, reads: dict[str, int]) -> None:
    assert search(analyst, reads, plate="ABC1234") == {"ABC1234 WI", "ABC1234 IL"}
    assert search(analyst, reads, plate="abc-1234") == {"ABC1234 WI", "ABC1234 IL"}
    assert search(analyst, reads, plate="ABC1234", state="IL") == {"ABC1234 IL"}


def test_question_mark_stands_for_exactly_one_character(analyst: Any, reads: dict[str, int]) -> None:
    assert search(analyst, reads, plate="AB?1234") == {"ABC1234 WI", "ABC1234 IL", "ABD1234", "ABX1234"}
    assert search(analyst, reads, plate="??C1234") == {"ABC1234 WI", "ABC1234 IL"}
    assert search(analyst, reads, plate="ABC123?") == {"ABC1234 WI", "ABC1234 IL"}


def test_star_stands_for_any_run_of_characters(analyst: Any, reads: dict[str, int]) -> None:
    assert search(analyst, reads, plate="ABC*") == {"ABC1234 WI", "ABC1234 IL", "ABC12345"}
    assert search(analyst, reads, plate="*ABC*") == {"ABC1234 WI", "ABC1234 IL", "ABC12345", "ZZABC12"}
    assert search(analyst, reads, plate="AB*34") == {"ABC1234 WI", "ABC1234 IL", "ABD1234", "ABX1234", "AB1234"}
    assert search(analyst, reads, plate="*98**") == {"XYZ9876"}
    assert search(analyst, reads, plate="A?*45") == {"ABC12345"}


# --- other filters ----------------------------------------------------------------------------


def test_default_window_is_the_last_30_days_and_an_explicit_window_reaches_further(
    analyst: Any, reads: dict[str, int]
) -> None:
    assert "ABC1234 old" not in search(analyst, reads, plate="ABC1234")
    since = (timezone.now() - timedelta(days=45)).isoformat()
    assert search(analyst, reads, plate="ABC1234", since=since) == {"ABC1234 WI", "ABC1234 IL", "ABC1234 old"}
    until = (timezone.now() - timedelta(days=1)).isoformat()
    assert search(analyst, reads, plate="ABC1234", since=since, until=until) == {"ABC1234 old"}
    window = {"since": (timezone.now() - timedelta(hours=3.5)).isoformat()}
    assert search(analyst, reads, plate="AB*", **window) == {"ABC1234 WI", "ABC1234 IL", "ABD1234"}


def test_radius_finds_reads_within_the_metres_given(analyst: Any, reads: dict[str, int]) -> None:
    near_22 = {"lat": POLE_22[0] + 0.001, "lon": POLE_22[1], "radius_m": 200}  # ~111 m from pole 22
    assert search(analyst, reads, **near_22) == {"ABC1234 IL", "ABX1234"}
    assert search(analyst, reads, plate="ABC1234", **near_22) == {"ABC1234 IL"}
    assert search(analyst, reads, **(near_22 | {"radius_m": 100})) == set()


def test_polygon_as_geojson_or_wkt_finds_reads_inside(analyst: Any, reads: dict[str, int]) -> None:
    lat, lon = POLE_17
    ring = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01], [lon - 0.01, lat + 0.01]]
    geojson = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in [*ring, ring[0]]) + "))"
    pole_17 = {"ABC1234 WI", "ABD1234", "AB1234", "ABC12345", "ZZABC12", "XYZ9876"}
    assert search(analyst, reads, polygon=geojson) == pole_17
    assert search(analyst, reads, polygon=wkt, plate="ABC1234") == {"ABC1234 WI"}
    feature = json.dumps({"type": "Feature", "properties": {}, "geometry": json.loads(geojson)})
    assert search(analyst, reads, polygon=feature, plate="XYZ*") == {"XYZ9876"}


def test_reader_filter(analyst: Any, reads: dict[str, int], second_reader: Reader) -> None:
    assert search(analyst, reads, reader=second_reader.pk) == {"ABC1234 IL", "ABX1234"}
    assert search(analyst, reads, reader=second_reader.pk, plate="ABX*") == {"ABX1234"}


def test_results_are_newest_first_and_the_total_counts_past_the_limit(analyst: Any, reads: dict[str, int]) -> None:
    body = api(analyst).get(SEARCH, {**WHY, "plate": "AB?1234", "limit": 2}).json()
    assert [row["id"] for row in body["results"]] == [reads["ABC1234 WI"], reads["ABC1234 IL"]]
    assert (body["total"], body["total_capped"], body["returned"]) == (4, False, 2)
    assert body["results"][0]["reader"] == {"id": Reader.objects.get(external_id="pole-17").pk, "name": "Pole 17 NB"}
    assert body["results"][0]["latitude"] == pytest.approx(POLE_17[0])
    assert TOTAL_CAP == 10_000


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "supervisor"])
def test_analysts_and_supervisors_may_search(request: Any, role: str, reads: dict[str, int]) -> None:
    user = request.getfixturevalue(role)
    assert search(user, reads, plate="XYZ9876") == {"XYZ9876"}


def test_admins_and_users_without_a_role_may_not_search(
    admin_user: Any, norole_user: Any, reads: dict[str, int]
) -> None:
    for user in (admin_user, norole_user):
        for url in (SEARCH, EXPORT):
            assert api(user).get(url, {**WHY, "plate": "XYZ9876"}).status_code == 403
        client = Client()
        client.force_login(user)
        assert client.post(PAGE, {**WHY, "plate": "XYZ9876"}).status_code == 403
    assert APIClient().get(SEARCH, {**WHY, "plate": "XYZ9876"}).status_code == 401
    assert Client().get(PAGE).status_code == 302
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"plate": "A*"}, "plate"),
        ({"plate": "??"}, "plate"),
        ({"plate": "AB%"}, "plate"),
        ({"plate": "AB_1"}, "plate"),
        ({"plate": "ABCDEFGHIJK"}, "plate"),
        ({"plate": "AB\x00C"}, "plate"),
        ({}, "plate"),
        ({"plate": "ABC1234", "state": "WIS"}, "state"),
        ({"plate": "ABC1234", "since": "yesterday"}, "since"),
        ({"plate": "ABC1234", "since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since"),
        ({"plate": "ABC1234", "since": "2024-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since"),
        ({"lat": 43.0, "radius_m": 100}, "lon"),
        ({"lat": 43.0, "lon": -87.9}, "radius_m"),
        ({"lat": 43.0, "lon": -87.9, "radius_m": 100_000}, "radius_m"),
        ({"lat": 95.0, "lon": -87.9, "radius_m": 100}, "lat"),
        ({"lat": "north", "lon": -87.9, "radius_m": 100}, "lat"),
        ({"polygon": "not a polygon"}, "polygon"),
        ({"polygon": "POINT(-87.9 43.0)"}, "polygon"),
        ({"polygon": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}'}, "polygon"),
        ({"polygon": "SRID=3857;POLYGON((0 0, 1 0, 1 1, 0 0))"}, "polygon"),
        ({"polygon": "POLYGON((0 0, 1 0, 1 1, 0 0))", "lat": 43.0, "lon": -87.9, "radius_m": 100}, "polygon"),
        ({"reader": 999_999}, "reader"),
        ({"reader": "pole-17"}, "reader"),
        ({"plate": "ABC1234", "limit": 5000}, "limit"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(
    analyst: Any, reads: dict[str, int], params: dict[str, Any], field: str
) -> None:
    response = api(analyst).get(SEARCH, {**WHY, **params})
    assert response.status_code == 400, response.content
    assert response.json()["error"].startswith(f"{field}:"), response.json()
    assert not AuditEvent.objects.filter(action="lpr.search").exists()


def test_a_polygon_with_too_many_vertices_is_refused(analyst: Any, reads: dict[str, int]) -> None:
    ring = [[-87.9 + 0.01 * math.cos(i / 50), 43.0 + 0.01 * math.sin(i / 50)] for i in range(315)]
    polygon = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    response = api(analyst).get(SEARCH, {**WHY, "polygon": polygon})
    assert response.status_code == 400 and "at most 200 vertices" in response.json()["error"]
