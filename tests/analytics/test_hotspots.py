"""Hotspots: heatmap grid cells, beat/district counts, repeat addresses, the CSV export, roles and 400s.

The world: beats B1 (district D1), B2 and B3 (district D2) as squares; 14 incidents in November
2026 (America/Chicago), 12 of them in the period 2026-11-02..06, at three grid nodes A, B, C or
without a location. With the map centre at 60°N a cell is 150/111320 = 0.00134746676° of latitude
by twice that of longitude (cos 60° = 1/2), so node (i, j) is at (i x 0.00134746676, j x 0.00269493352):
    A = (31920, -32640) = (43.011139, -87.962630) in B1
    B = (31930, -32630) = (43.024614, -87.935681) in B2
    C = (31920, -32620) = (43.011139, -87.908732) in B2
Every expected figure below was counted by hand from the table in `world`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from analytics.filters import MetricFilter
from analytics.hotspots import hotspot_grid, repeat_addresses
from analytics.rollups import INCIDENTS, refresh_rollups
from areas.models import Beat, District
from audit.models import AuditEvent
from incidents.models import Incident

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
PERIOD = {"start": "2026-11-02", "end": "2026-11-06"}
GRID = "/api/v1/analytics/hotspots/grid/"
AREAS = "/api/v1/analytics/hotspots/areas/"
REPEAT = "/api/v1/analytics/hotspots/repeat-addresses/"
PAGE = "/analytics/hotspots/"
CSV = "/analytics/hotspots/repeat-addresses.csv"

A = (43.011139, -87.962630)
B = (43.024614, -87.935681)
C = (43.011139, -87.908732)


def square(west: float, south: float, east: float, north: float) -> MultiPolygon:
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    return MultiPolygon(Polygon(ring), srid=4326)


def local(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def near(node: tuple[float, float] | None, dlat: float = 0.0, dlon: float = 0.0) -> Point | None:
    """A point a few metres from a grid node (well inside its 150 m cell)."""
    return None if node is None else Point(node[1] + dlon, node[0] + dlat, srid=4326)


# (received, beat, district, call type, final call type, address, location)
ROWS: list[tuple[dt.datetime, str, str, str, str, str, Point | None]] = [
    (local(2), "B1", "D1", "BURGLARY", "", "12 N Main St", near(A, 0.0001, 0.0002)),  # 1
    (local(3), "B1", "D1", "BURGLARY", "", "  12  n main st ", near(A)),  # 2
    (local(4), "B1", "D1", "THEFT", "", "12 N MAIN ST", near(A, -0.0003, -0.0004)),  # 3
    (local(5), "B1", "D1", "DISTURBANCE", "", "12\tN Main St", near(A)),  # 4
    (local(2), "B2", "D2", "THEFT", "", "400 W Elm Ave", near(B)),  # 5
    (local(6, 23, 30), "B2", "D2", "THEFT", "BURGLARY", "400 w elm ave", near(B, 0.0002, -0.0003)),  # 6
    (local(3), "B2", "D2", "DISTURBANCE", "", "400 W ELM AVE", near(B)),  # 7
    (local(4), "B2", "D2", "DISTURBANCE", "", "9 Oak Ct", near(C)),  # 8
    (local(5), "B2", "D2", "DISTURBANCE", "", "9 OAK CT", None),  # 9 no location
    (local(3), "B2", "D2", "THEFT", "", "", None),  # 10 no location, no address
    (local(6), "", "", "THEFT", "", "77 Pine Rd", near(C, 0.0001)),  # 11 no beat/district code
    (local(2), "B9", "D1", "BURGLARY", "", "5 Lake Dr", near(A)),  # 12 beat with no polygon
    (local(1), "B1", "D1", "BURGLARY", "", "12 N Main St", near(A)),  # 13 day before the period
    (local(7, 0, 30), "B2", "D2", "THEFT", "", "400 W Elm Ave", near(B)),  # 14 just after it
]


@pytest.fixture(autouse=True)
def grid_at_sixty_degrees(settings: Any) -> None:
    settings.RTCC_MAP_CENTER = [60.0, -87.95]


@pytest.fixture
def world(db: None) -> None:
    now = timezone.now()
    Beat.objects.create(
        code="B1", district_code="D1", area=square(-88.0, 43.0, -87.95, 43.05), source="t", imported_at=now
    )
    Beat.objects.create(
        code="B2", district_code="D2", area=square(-87.95, 43.0, -87.9, 43.05), source="t", imported_at=now
    )
    Beat.objects.create(
        code="B3", district_code="D2", area=square(-87.95, 43.05, -87.9, 43.1), source="t", imported_at=now
    )
    District.objects.create(
        code="D1", name="North", area=square(-88.0, 43.0, -87.95, 43.05), source="t", imported_at=now
    )
    District.objects.create(code="D2", name="", area=square(-87.95, 43.0, -87.9, 43.1), source="t", imported_at=now)
    for number, (received, beat, district, call_type, final, address, location) in enumerate(ROWS, start=1):
        Incident.objects.create(
            source="test-cad",
            external_id=f"HOT-{number}",
            call_type=call_type,
            final_call_type=final,
            priority=3,
            received_at=received,
            address=address,
            location=location,
            location_status="ok" if location else "missing",
            beat=beat,
            district=district,
        )
    refresh_rollups(full=True, names=(INCIDENTS,))


def client_as(make_user: Any, role: Role | None, name: str = "hot-user") -> Client:
    client = Client()
    client.force_login(make_user(name, role))
    return client


@pytest.fixture
def sup(make_user: Any) -> Client:
    return client_as(make_user, Role.SUPERVISOR, "hot-sup")


def cells(body: dict[str, Any]) -> list[tuple[float, float, int]]:
    return [(round(c["lat"], 6), round(c["lon"], 6), c["count"]) for c in body["cells"]]


# --- heatmap ---------------------------------------------------------------------------------


def test_grid_counts_located_incidents_per_cell_and_leaves_out_the_unlocated(world: None, sup: Client) -> None:
    body = sup.get(GRID, PERIOD).json()
    assert cells(body) == [(*A, 5), (*B, 3), (*C, 2)]
    assert (body["cell_count"], body["located"], body["excluded"], body["max_count"]) == (3, 10, 2, 5)
    assert body["capped"] is False
    assert body["cell_size_m"] == 150
    assert body["lat_step"] == pytest.approx(0.00134746676)
    assert body["lon_step"] == pytest.approx(0.00269493352)
    assert body["filter"] == {"start": "2026-11-02", "end": "2026-11-06", "district": "", "call_types": []}


def test_grid_filters_by_effective_call_type_and_district(world: None, sup: Client) -> None:
    burglary = sup.get(GRID, {**PERIOD, "call_type": "BURGLARY"}).json()
    assert cells(burglary) == [(*A, 3), (*B, 1)]  # 1, 2, 12 at A; 6 (reclassified THEFT) at B
    assert burglary["excluded"] == 0
    two_types = sup.get(GRID + "?start=2026-11-02&end=2026-11-06&call_type=THEFT&call_type=DISTURBANCE").json()
    assert cells(two_types) == [(*A, 2), (*C, 2), (*B, 2)]  # a tie: south to north, then west to east
    assert two_types["excluded"] == 2
    d2 = sup.get(GRID, {**PERIOD, "district": "D2"}).json()
    assert cells(d2) == [(*B, 3), (*C, 1)]
    assert (d2["located"], d2["excluded"]) == (4, 2)


def test_grid_period_follows_local_days(world: None, sup: Client) -> None:
    # 2026-11-06 23:30 in Chicago is 2026-11-07 05:30 UTC: still the 6th; 00:30 on the 7th is not.
    only_sixth = sup.get(GRID, {"start": "2026-11-06", "end": "2026-11-06"}).json()
    assert cells(only_sixth) == [(*C, 1), (*B, 1)]  # a tie: south first
    first = sup.get(GRID, {"start": "2026-11-01", "end": "2026-11-01"}).json()
    assert cells(first) == [(*A, 1)]


def test_grid_caps_the_number_of_cells(world: None) -> None:
    grid = hotspot_grid(MetricFilter(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 6)), limit=2)
    assert [(round(c.lat, 6), round(c.lon, 6), c.count) for c in grid.cells] == [(*A, 5), (*B, 3)]
    assert grid.capped is True
    assert grid.cell_count == 3
    assert grid.located == 10  # counted over every cell, not only those returned


# --- choropleth ------------------------------------------------------------------------------


def props(body: dict[str, Any]) -> dict[str, tuple[str, int, float]]:
    return {
        f["id"]: (f["properties"]["name"], f["properties"]["incidents"], f["properties"]["share"])
        for f in body["features"]
    }


def test_beat_counts_come_from_the_cad_codes(world: None, sup: Client) -> None:
    body = sup.get(AREAS, {**PERIOD, "level": "beat"}).json()
    assert body["type"] == "FeatureCollection"
    assert props(body) == {"B1": ("Beat B1", 4, 0.3333), "B2": ("Beat B2", 6, 0.5), "B3": ("Beat B3", 0, 0.0)}
    assert (body["total"], body["outside"], body["max_incidents"]) == (12, 2, 6)  # 11 has no code, 12 is B9
    assert body["as_of"] is not None
    b1 = next(f for f in body["features"] if f["id"] == "B1")
    geometry = b1["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    assert sorted({tuple(point) for point in ring}) == [(-88.0, 43.0), (-88.0, 43.05), (-87.95, 43.0), (-87.95, 43.05)]


def test_district_counts_and_default_level(world: None, sup: Client) -> None:
    body = sup.get(AREAS, {**PERIOD, "level": "district"}).json()
    assert props(body) == {"D1": ("North", 5, 0.4167), "D2": ("District D2", 6, 0.5)}
    assert (body["level"], body["total"], body["outside"]) == ("district", 12, 1)
    assert sup.get(AREAS, PERIOD).json()["level"] == "beat"


def test_area_filters_narrow_counts_and_polygons(world: None, sup: Client) -> None:
    d2 = sup.get(AREAS, {**PERIOD, "district": "D2"}).json()
    assert props(d2) == {"B2": ("Beat B2", 6, 1.0), "B3": ("Beat B3", 0, 0.0)}
    assert (d2["total"], d2["outside"]) == (6, 0)
    burglary = sup.get(AREAS, {**PERIOD, "call_type": "BURGLARY"}).json()
    assert props(burglary) == {"B1": ("Beat B1", 2, 0.5), "B2": ("Beat B2", 1, 0.25), "B3": ("Beat B3", 0, 0.0)}
    assert (burglary["total"], burglary["outside"]) == (4, 1)


# --- repeat addresses ------------------------------------------------------------------------


def test_repeat_addresses_are_normalised_counted_and_ordered(world: None, sup: Client) -> None:
    body = sup.get(REPEAT, PERIOD).json()
    assert body["rows"] == [
        {
            "address": "12 N MAIN ST",
            "count": 4,
            "last_received": "2026-11-05T12:00:00-06:00",
            "call_types": ["BURGLARY", "DISTURBANCE", "THEFT"],
        },
        {
            "address": "400 W ELM AVE",
            "count": 3,
            "last_received": "2026-11-06T23:30:00-06:00",
            "call_types": ["BURGLARY", "DISTURBANCE", "THEFT"],
        },
    ]
    assert (body["min_count"], body["address_count"], body["capped"]) == (3, 2, False)


def test_repeat_min_count_and_period(world: None, sup: Client) -> None:
    two = sup.get(REPEAT, {**PERIOD, "min_count": "2"}).json()
    assert [(r["address"], r["count"]) for r in two["rows"]] == [
        ("12 N MAIN ST", 4),
        ("400 W ELM AVE", 3),
        ("9 OAK CT", 2),
    ]
    shorter = sup.get(REPEAT, {"start": "2026-11-02", "end": "2026-11-05"}).json()
    assert [(r["address"], r["count"]) for r in shorter["rows"]] == [("12 N MAIN ST", 4)]
    theft = sup.get(REPEAT, {**PERIOD, "min_count": "2", "call_type": "THEFT"}).json()
    assert theft["rows"] == []  # THEFT: 3 at 12 N MAIN ST, 5 at 400 W ELM AVE, 11 at 77 PINE RD: one each
    capped = repeat_addresses(MetricFilter(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 6)), min_count=2, limit=1)
    assert [row.address for row in capped.rows] == ["12 N MAIN ST"]
    assert (capped.address_count, capped.capped) == (3, True)


def test_repeat_csv_is_audited_and_formula_safe(make_user: Any, sup: Client) -> None:
    for number in range(3):
        Incident.objects.create(
            source="test-cad",
            external_id=f"F-{number}",
            call_type="=CMD|' /C calc'!A0",
            priority=3,
            received_at=local(3, 9 + number),
            address='=HYPERLINK("http://x")',
            location=None,
            location_status="missing",
        )
    response = sup.get(CSV, {**PERIOD, "min_count": "3"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="rtcc-repeat-addresses-2026-11-02-to-2026-11-06.csv"'
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["address", "incidents", "last_received", "call_types"],
        ['\'=HYPERLINK("HTTP://X")', "3", "2026-11-03T11:00:00-06:00", "'=CMD|' /C calc'!A0"],
    ]
    event = AuditEvent.objects.get(action="analytics.export", object_ref="analytics:hotspots:repeat-addresses")
    assert event.actor.username == "hot-sup"
    assert event.details == {"rows": 1, "min_count": 3, "filters": {"start": "2026-11-02", "end": "2026-11-06"}}


# --- page ------------------------------------------------------------------------------------


def test_page_shows_form_map_config_and_repeat_table(world: None, sup: Client) -> None:
    response = sup.get(PAGE, {**PERIOD, "district": "D2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="hotspots-map"' in html
    assert 'id="hotspots-config" type="application/json"' in html
    # json_script escapes & as \u0026
    assert "/api/v1/analytics/hotspots/grid/?start=2026-11-02\\u0026end=2026-11-06\\u0026district=D2" in html
    assert '<td>400 W ELM AVE</td><td class="num">3</td>' in html
    assert "12 N MAIN ST" not in html  # district D1
    # Call types offered: those counted in the period (no CallType rows configured here).
    assert '<option value="BURGLARY">BURGLARY</option><option value="DISTURBANCE">DISTURBANCE</option>' in html
    assert (
        "/analytics/hotspots/repeat-addresses.csv?start=2026-11-02&amp;end=2026-11-06&amp;district=D2&amp;min_count=3"
        in html
    )
    assert "<script>" not in html and "style=" not in html


def test_page_with_a_bad_filter_answers_400_naming_the_field(world: None, sup: Client) -> None:
    response = sup.get(PAGE, {"start": "2026-13-01"})
    assert response.status_code == 400
    assert "start: use a date like 2026-11-01." in response.content.decode()
    assert sup.get(PAGE, {"min_count": "1"}).status_code == 400


# --- roles and bad input ---------------------------------------------------------------------

ALL_URLS = [GRID, AREAS, REPEAT, PAGE, CSV]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR])
def test_supervisors_and_auditors_may_read(make_user: Any, role: Role) -> None:
    client = client_as(make_user, role)
    assert [client.get(url).status_code for url in ALL_URLS] == [200, 200, 200, 200, 200]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN, None])
def test_other_roles_are_refused(make_user: Any, role: Role | None) -> None:
    client = client_as(make_user, role)
    assert [client.get(url).status_code for url in ALL_URLS] == [403, 403, 403, 403, 403]
    assert not AuditEvent.objects.filter(action="analytics.export").exists()


def test_anonymous_gets_401_from_the_api_and_the_login_page_elsewhere(db: None) -> None:
    client = Client()
    assert [client.get(url).status_code for url in (GRID, AREAS, REPEAT)] == [401, 401, 401]
    for url in (PAGE, CSV):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (GRID, {"start": "yesterday"}, "start"),
        (GRID, {"start": "2026-11-06", "end": "2026-11-01"}, "start"),
        (GRID, {"start": "2020-01-01", "end": "2026-01-01"}, "end"),
        (GRID, {"district": "D" * 17}, "district"),
        (GRID, {"district": "D\x00"}, "district"),
        (AREAS, {"level": "county"}, "level"),
        (AREAS, {"call_type": "X\x00"}, "call_type"),
        (REPEAT, {"min_count": "1"}, "min_count"),
        (REPEAT, {"min_count": "101"}, "min_count"),
        (REPEAT, {"min_count": "three"}, "min_count"),
        (REPEAT, {"end": "0001-01-01"}, "end"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(sup: Client, url: str, params: dict[str, str], field: str) -> None:
    response = sup.get(url, params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")


def test_csv_with_a_bad_parameter_is_400_and_not_audited(sup: Client) -> None:
    response = sup.get(CSV, {"min_count": "0"})
    assert response.status_code == 400
    assert "min_count:" in response.content.decode()
    assert not AuditEvent.objects.filter(action="analytics.export").exists()
