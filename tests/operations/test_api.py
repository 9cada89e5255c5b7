"""Operations API: who may read, create, edit and log; bad input is a 400 naming the field."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from operations.models import Operation, OperationLogEntry
from rtcc.models import OutboxEvent
from tests.factories import IncidentFactory
from tests.operations.conftest import SQUARE, SQUARE_GEOJSON

pytestmark = pytest.mark.django_db
SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "areas" / "chicago_beats_slice.geojson"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_operation(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    body = {
        "name": "Brewers home opener",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=5)).isoformat(),
        "area_geojson": SQUARE_GEOJSON,
    }
    return {**body, **overrides}


def test_supervisor_creates_from_a_polygon_and_readers_are_told(supervisor: Any) -> None:
    response = client_for(supervisor).post(reverse("api-operation-list"), new_operation(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "active" and body["created_by"] == "sup" and body["area"]["type"] == "MultiPolygon"
    events = OutboxEvent.objects.filter(type="operation.created")
    assert sorted(events.values_list("stream", flat=True)) == ["role.admin", "role.analyst", "role.supervisor"]
    assert events.first().payload["id"] == body["id"]  # type: ignore[union-attr]


def test_clockwise_pasted_polygon_is_accepted_as_text(supervisor: Any) -> None:
    clockwise = json.dumps({"type": "Polygon", "coordinates": [SQUARE[::-1]]})
    response = client_for(supervisor).post(
        reverse("api-operation-list"), new_operation(area_geojson=clockwise), format="json"
    )
    assert response.status_code == 201
    assert Operation.objects.get().area.contains(Point(-87.95, 43.05, srid=4326))


def test_area_from_beat_codes_is_their_union(supervisor: Any) -> None:
    call_command("import_areas", str(SLICE), stdout=StringIO())
    body = new_operation(beat_codes=["0112", "0113"])
    del body["area_geojson"]
    response = client_for(supervisor).post(reverse("api-operation-list"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["area_source"] == "beat 0112, beat 0113"
    body["beat_codes"] = ["0112", "9999"]
    response = client_for(supervisor).post(reverse("api-operation-list"), body, format="json")
    assert response.status_code == 400 and response.json()["error"] == "area: not imported: beat 9999"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "name:"),
        ({"ends_at": "2020-01-01T00:00:00Z"}, "ends_at: must be after starts_at"),
        ({"ends_at": (timezone.now() + timedelta(days=20)).isoformat()}, "ends_at: an operation lasts at most 14 days"),
        ({"area_geojson": {"type": "Point", "coordinates": [-87.9, 43.0]}}, "area_geojson: root: has a Point"),
        ({"area_geojson": "{not json"}, "area_geojson: not JSON"),
        ({"area_geojson": "", "beat_codes": []}, "area: give either GeoJSON or beat/district codes"),
        ({"beat_codes": ["0112"]}, "area: give either GeoJSON or beat/district codes"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    supervisor: Any, overrides: dict[str, Any], message: str
) -> None:
    response = client_for(supervisor).post(reverse("api-operation-list"), new_operation(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith(message), response.json()
    assert not Operation.objects.exists() and not OutboxEvent.objects.filter(type__startswith="operation").exists()


def test_analyst_reads_and_logs_but_cannot_create_or_edit(analyst: Any, operation: Operation) -> None:
    client = client_for(analyst)
    assert client.get(reverse("api-operation-list")).json()["results"][0]["id"] == operation.pk
    assert client.post(reverse("api-operation-list"), new_operation(), format="json").status_code == 403
    detail = reverse("api-operation-detail", args=[operation.pk])
    assert client.patch(detail, {"name": "x"}, format="json").status_code == 403
    log = reverse("api-operation-log", args=[operation.pk])
    response = client.post(log, {"text": "Crowd at gate C", "kind": "unit"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == "ana" and response.json()["kind"] == "unit"
    assert [e["text"] for e in client.get(log).json()["results"]] == ["Crowd at gate C"]
    assert OutboxEvent.objects.filter(type="operation.log.appended", stream="role.analyst").exists()


def test_log_has_no_update_or_delete(analyst: Any, operation: Operation) -> None:
    client = client_for(analyst)
    log = reverse("api-operation-log", args=[operation.pk])
    client.post(log, {"text": "one"}, format="json")
    assert client.put(log, {"text": "two"}, format="json").status_code == 405
    assert client.delete(log).status_code == 405
    assert client.post(log, {"text": "  "}, format="json").status_code == 400
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.post(log, {"text": "later", "at": future}, format="json").json()["error"].startswith("at:")
    assert client.post(log, {"text": "x", "incident_id": 999999}, format="json").status_code == 400
    assert OperationLogEntry.objects.count() == 1


def test_supervisor_edits_window_and_area(supervisor: Any, operation: Operation) -> None:
    detail = reverse("api-operation-detail", args=[operation.pk])
    client = client_for(supervisor)
    later = (operation.starts_at + timedelta(days=1)).isoformat()
    response = client.patch(detail, {"ends_at": later, "name": "Summerfest day 1"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Summerfest day 1"
    assert OutboxEvent.objects.filter(type="operation.updated").count() == 3
    too_long = (operation.starts_at + timedelta(days=15)).isoformat()
    assert client.patch(detail, {"ends_at": too_long}, format="json").status_code == 400
    assert client.get(reverse("api-operation-detail", args=[999999])).status_code == 404


def test_incidents_endpoint_lists_only_those_inside(analyst: Any, operation: Operation) -> None:
    inside = IncidentFactory(location=Point(-87.95, 43.05, srid=4326))
    IncidentFactory(location=Point(-87.80, 43.05, srid=4326))
    body = client_for(analyst).get(reverse("api-operation-incidents", args=[operation.pk])).json()
    assert [f["id"] for f in body["features"]] == [inside.id]


@pytest.mark.parametrize("role", [None, Role.WALL])
def test_wall_and_no_role_see_no_operation(make_user: Any, role: Role | None, operation: Operation) -> None:
    client = client_for(make_user("someone", role))
    assert client.get(reverse("api-operation-list")).status_code == 403
    assert client.get(reverse("api-operation-log", args=[operation.pk])).status_code == 403


def test_list_and_log_queries_do_not_grow_with_rows(
    supervisor: Any, operation: Operation, django_assert_max_num_queries: Any
) -> None:
    from operations.services import log_append, operation_create

    for index in range(5):
        operation_create(
            actor=supervisor,
            name=f"Op {index}",
            starts_at=operation.starts_at,
            ends_at=operation.ends_at,
            area=operation.area,
        )
        log_append(actor=supervisor, operation=operation, text=f"entry {index}")
    client = client_for(supervisor)
    # session/user + capability lookups + count + page; the same for 1 or 100 rows
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("api-operation-list")).json()["results"]) == 6
    with django_assert_max_num_queries(7):
        assert len(client.get(reverse("api-operation-log", args=[operation.pk])).json()["results"]) == 5
