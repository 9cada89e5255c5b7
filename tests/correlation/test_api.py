"""GET /api/v1/correlation/: the acceptance scene returns exactly the expected items; plate reads and
GPS subjects need the capability plus a purpose and case number, and are audited; prior incidents
honour the 90-day boundary; bad input names the field; roles."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from alerts.models import Alert
from audit.models import AuditEvent
from tests.correlation.scene import P_LAT, P_LON, Scene, build_scene, point
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/correlation/"
WHY = {"purpose": "shooting", "case_number": "CAD-SCENE-1"}


@pytest.fixture
def scene(db: None) -> Scene:
    return build_scene()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def get(user: Any, **params: Any) -> Any:
    return client_for(user).get(URL, params)


def items(body: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return body["sections"][section]["items"]


def test_acceptance_scene_returns_exactly_the_expected_items(analyst: Any, scene: Scene) -> None:
    response = get(analyst, incident=scene.incident.pk, **WHY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["anchor"]["incident_id"] == scene.incident.pk
    assert body["radius_m"] == 300 and body["window_min"] == 15

    cameras = {c["id"]: c for c in items(body, "cameras")}
    # Both cameras within R are listed; the one that looks at the spot says so, first.
    assert set(cameras) == {scene.ids["cam_sees"], scene.ids["cam_away"]}
    assert cameras[scene.ids["cam_sees"]]["sees"] is True
    assert cameras[scene.ids["cam_away"]]["sees"] is False
    assert items(body, "cameras")[0]["id"] == scene.ids["cam_sees"]
    assert body["sections"]["cameras"]["seeing"] == 1
    assert 45 <= cameras[scene.ids["cam_sees"]]["distance_m"] <= 55

    reads = {r["plate"]: r for r in items(body, "lpr_reads")}
    assert set(reads) == {"AAA1111", "BBB2222", "CCC3333"}
    assert [reads[p]["offset_s"] for p in ("AAA1111", "BBB2222", "CCC3333")] == [-180, 120, 300]
    assert all(r["distance_m"] <= 200 for r in reads.values())
    assert reads["AAA1111"]["reader_name"] == "Pole 5 NB" and reads["AAA1111"]["direction"] == "NB"

    shots = {s["id"]: s for s in items(body, "shots")}
    assert set(shots) == {scene.shot.pk, scene.ids["shot_near"]}
    assert shots[scene.ids["shot_near"]]["offset_s"] == -600
    assert shots[scene.shot.pk]["distance_m"] < 1

    subjects = items(body, "gps_subjects")
    assert [s["id"] for s in subjects] == [scene.ids["gps_in"]]
    # The ping nearest in time to T0 (4 min after, 80 m off), and the closest approach.
    assert subjects[0]["offset_s"] == 240 and 75 <= subjects[0]["distance_m"] <= 85
    assert subjects[0]["pings"] == 2 and subjects[0]["reference"] == "GPS-IN"

    prior = {i["id"]: i for i in items(body, "prior_incidents")}
    assert set(prior) == {scene.ids["prior_address"], scene.ids["prior_near"], scene.ids["prior_90"]}
    assert prior[scene.ids["prior_address"]]["offset_days"] == -30.0
    assert prior[scene.ids["prior_90"]]["cad_number"] == "CAD-P90"


def test_same_scene_from_a_map_point_and_from_the_shots_alert(analyst: Any, scene: Scene) -> None:
    by_point = get(analyst, lat=P_LAT, lon=P_LON, at=scene.t0.isoformat(), **WHY).json()
    assert {r["plate"] for r in items(by_point, "lpr_reads")} == {"AAA1111", "BBB2222", "CCC3333"}
    # A map point has no address: only the incidents within 25 m count (the incident itself was
    # received at T0, not before it).
    assert {i["id"] for i in items(by_point, "prior_incidents")} == {scene.ids["prior_near"], scene.ids["prior_90"]}
    alert = Alert.objects.create(
        type="shots_fired",
        priority=1,
        title="Shots fired",
        source_key=f"shots:{scene.shot.pk}",
        location=point(0, 0),
        streams=["ops"],
    )
    by_alert = get(analyst, alert=alert.pk, **WHY).json()
    # The shots alert is anchored at the detection (not the alert's creation) and its incident.
    assert datetime.fromisoformat(by_alert["anchor"]["at"]) == scene.t0
    assert by_alert["anchor"]["incident_id"] == scene.incident.pk
    assert {s["id"] for s in items(by_alert, "gps_subjects")} == {scene.ids["gps_in"]}
    assert {i["id"] for i in items(by_alert, "prior_incidents")} == {
        scene.ids["prior_address"],
        scene.ids["prior_near"],
        scene.ids["prior_90"],
    }


def test_without_purpose_lpr_and_gps_are_withheld_the_rest_is_there(analyst: Any, scene: Scene) -> None:
    body = get(analyst, incident=scene.incident.pk).json()
    assert body["sections"]["lpr_reads"] == {"withheld": "purpose and case number required"}
    assert body["sections"]["gps_subjects"] == {"withheld": "purpose and case number required"}
    assert body["sections"]["cameras"]["count"] == 2
    assert body["sections"]["shots"]["count"] == 2
    assert body["sections"]["prior_incidents"]["count"] == 3
    assert not AuditEvent.objects.filter(action__in=["lpr.search", "monitoring.presence.view"]).exists()


def test_admin_lacks_lpr_search_and_tracks_so_those_sections_say_role(admin_user: Any, scene: Scene) -> None:
    body = get(admin_user, incident=scene.incident.pk, **WHY).json()
    assert body["sections"]["lpr_reads"] == {"withheld": "role"}
    assert body["sections"]["gps_subjects"] == {"withheld": "role"}
    assert body["sections"]["shots"]["count"] == 2
    assert not AuditEvent.objects.filter(action__in=["lpr.search", "monitoring.presence.view"]).exists()


def test_supervisor_sees_reads_and_subjects(supervisor: Any, scene: Scene) -> None:
    body = get(supervisor, incident=scene.incident.pk, **WHY).json()
    assert body["sections"]["lpr_reads"]["count"] == 3
    assert body["sections"]["gps_subjects"]["count"] == 1


def test_each_view_of_reads_and_subjects_is_audited_with_purpose_and_case(analyst: Any, scene: Scene) -> None:
    get(analyst, incident=scene.incident.pk, **WHY)
    search = AuditEvent.objects.get(action="lpr.search")
    assert (search.actor_id, search.purpose, search.case_number) == (analyst.pk, "shooting", "CAD-SCENE-1")
    assert search.details["via"] == "correlation" and search.details["result_count"] == 3
    assert "AAA1111" not in str(search.details)  # counts, not plates
    presence = AuditEvent.objects.get(action="monitoring.presence.view")
    assert (presence.purpose, presence.case_number) == ("shooting", "CAD-SCENE-1")
    assert presence.details["subject_ids"] == [scene.ids["gps_in"]]


def test_prior_incidents_90_day_boundary(analyst: Any, scene: Scene) -> None:
    # Moving the moment one hour later pushes the "exactly 90 days" incident out of the window.
    at = scene.t0 + timedelta(hours=1)
    body = get(analyst, lat=P_LAT, lon=P_LON, at=at.isoformat()).json()
    ids = {i["id"] for i in items(body, "prior_incidents")}
    assert scene.ids["prior_90"] not in ids and scene.ids["prior_near"] in ids


def test_window_and_radius_change_what_is_found(analyst: Any, scene: Scene) -> None:
    body = get(analyst, incident=scene.incident.pk, window=30, radius=50, **WHY).json()
    # 50 m: only DDD4444 (50 m north, +20 min) is close enough, and a 30-minute window includes it.
    assert {r["plate"] for r in items(body, "lpr_reads")} == {"DDD4444"}
    assert {s["id"] for s in items(body, "shots")} == {scene.shot.pk}


def test_one_query_per_section(analyst: Any, scene: Scene) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert get(analyst, incident=scene.incident.pk, **WHY).status_code == 200
    # Session/user and incident lookups, then one query per section, plus two audit inserts
    # (and their savepoints).
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    assert sum("lpr_read" in s for s in selects) == 1
    assert sum("monitoring_ping" in s for s in selects) == 1
    assert sum("shots_shotsfired" in s for s in selects) == 1
    assert sum("cameras_camera" in s for s in selects) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": P_LAT, "lon": P_LON, "radius": 5000}, "radius:"),
        ({"lat": P_LAT, "lon": P_LON, "radius": 10}, "radius:"),
        ({"lat": P_LAT, "lon": P_LON, "window": 500}, "window:"),
        ({"lat": P_LAT, "lon": P_LON, "at": "yesterday"}, "at:"),
        ({"lat": P_LAT}, "lon:"),
        ({"lat": 95, "lon": P_LON}, "lat:"),
        ({}, "incident:"),
        ({"lat": P_LAT, "lon": P_LON, "purpose": "curiosity", "case_number": "X"}, "purpose:"),
        ({"lat": P_LAT, "lon": P_LON, "purpose": "shooting"}, "case_number:"),
        ({"lat": P_LAT, "lon": P_LON, "case_number": "CAD-1"}, "purpose:"),
    ],
)
def test_bad_input_names_the_field(analyst: Any, params: dict[str, Any], message: str) -> None:
    response = get(analyst, **params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message), response.json()


def test_incident_and_point_together_are_refused(analyst: Any, scene: Scene) -> None:
    response = get(analyst, incident=scene.incident.pk, lat=P_LAT, lon=P_LON)
    assert response.status_code == 400 and response.json()["error"].startswith("lat:")
    response = get(analyst, incident=scene.incident.pk, at=scene.t0.isoformat())
    assert response.status_code == 400 and response.json()["error"].startswith("at:")


def test_incident_without_location_and_missing_ids(analyst: Any) -> None:
    unlocated = IncidentFactory(location=None, location_status="missing")
    response = get(analyst, incident=unlocated.pk)
    assert response.status_code == 400 and response.json()["error"] == "incident: has no location"
    assert get(analyst, incident=999_999).status_code == 404
    assert get(analyst, alert=999_999).status_code == 404


@pytest.mark.parametrize("role", [Role.WALL, None])
def test_wall_and_no_role_are_refused(make_user: Any, role: Role | None) -> None:
    user = make_user(f"u-{role}", role)
    assert get(user, lat=P_LAT, lon=P_LON).status_code == 403


def test_anonymous_is_refused() -> None:
    assert APIClient().get(URL, {"lat": P_LAT, "lon": P_LON}).status_code in (401, 403)


def test_operation_scope_keeps_only_items_inside_its_area(analyst: Any, supervisor: Any, scene: Scene) -> None:
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.utils import timezone

    from operations.models import Operation

    # The northern half-plane of the scene, 1 m north of the anchor up to 2 km: anything at or
    # south of the spot falls outside.
    north_lat, _ = point(1, 0).y, None
    top = point(2000, 0).y
    west, east = point(0, -2000).x, point(0, 2000).x
    area = MultiPolygon(
        Polygon([(west, north_lat), (east, north_lat), (east, top), (west, top), (west, north_lat)]), srid=4326
    )
    now = timezone.now()
    operation = Operation.objects.create(
        name="North half",
        area=area,
        area_source="GeoJSON",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        created_by=supervisor,
    )
    whole = get(analyst, incident=scene.incident.pk, **WHY).json()
    scoped = get(analyst, incident=scene.incident.pk, operation=operation.pk, **WHY)
    assert scoped.status_code == 200, scoped.content
    body = scoped.json()
    assert body["operation"] == operation.pk
    for section in ("cameras", "lpr_reads", "shots", "gps_subjects", "prior_incidents"):
        expected = [item for item in items(whole, section) if item["lat"] is not None and item["lat"] > north_lat]
        assert items(body, section) == expected, section
        assert body["sections"][section]["count"] == len(expected)
    assert sum(len(items(whole, s)) for s in ("cameras", "lpr_reads")) > sum(
        len(items(body, s)) for s in ("cameras", "lpr_reads")
    ), "the scene has items on both sides of the line"
    assert get(analyst, incident=scene.incident.pk, operation=999999).status_code == 404
