"""Camera export (CSV / GeoJSON): admins only, audited, never a credential, and re-importable as the same cameras."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from audit.models import AuditEvent
from cameras.imports import MAX_DECIMALS, import_cameras
from cameras.models import Camera
from feeds.imports.mapping import load_mapping
from rtcc import geojson
from rtcc.crypto import encrypt_text
from tests.factories import CameraFactory

OWN = load_mapping(Path(__file__).resolve().parents[2] / "cameras" / "mappings" / "rtcc_cameras.json")
SECRET = "hunter2secret"
# Every field the export carries (and the import restores); reference, source and status are the system's own.
RECORD_FIELDS = (
    "name",
    "owner_name",
    "owner_type",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_after_hours",
    "address",
    "mount_height_m",
    "heading",
    "fov",
    "range_m",
    "tier",
    "stream_url",
    "retention_days",
    "recording_hours",
    "mou_signed_on",
    "mou_expires_on",
    "tags",
)


@pytest.fixture
def registry(db: None) -> list[Camera]:
    return [
        CameraFactory(
            name='=HYPERLINK("http://evil.example/","click")',  # a spreadsheet would run this
            owner_type="business",
            owner_name="Corner Store, LLC",
            contact_after_hours="414-555-0199",
            location=Point(-87.912345678912, 43.0512345678912, srid=4326),
            heading=45.5,
            mount_height_m=4.5,
            tags=["gate", "school"],
            mou_signed_on=dt.date(2026, 1, 5),
            mou_expires_on=dt.date(2027, 1, 4),
            recording_hours="24/7",
            stream_url="rtsp://10.0.0.9:554/live",
            stream_credentials_encrypted=encrypt_text(json.dumps({"username": "viewer", "password": SECRET})),
            tier="live",
        ),
        CameraFactory(name="Porch camera", owner_type="residential", heading=None, fov=360, status="pending"),
        CameraFactory(name="Red light", source="import", external_id="chicago-rl:X-Y:NB", status="retired"),
    ]


def export(client: Client, query: str = "format=csv") -> Any:
    return client.get(f"/api/v1/cameras/export/?{query}")


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def as_file(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> dict[str, tuple[Any, ...]]:
    return {
        camera.name: (*(getattr(camera, name) for name in RECORD_FIELDS), camera.location.x, camera.location.y)
        for camera in Camera.objects.all()
    }


@pytest.mark.django_db
def test_csv_export_reimports_as_the_same_cameras(admin_user: Any, registry: list[Camera], tmp_path: Path) -> None:
    client = Client()
    client.force_login(admin_user)
    response = export(client)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cameras-')
    text = body(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"].startswith("'=HYPERLINK")  # defused for spreadsheets
    assert {row["external_id"] for row in rows} == {registry[0].reference, registry[1].reference, "chicago-rl:X-Y:NB"}
    path = as_file(tmp_path, text, "export.csv")
    before = snapshot()

    again = import_cameras(path=path, mapping=OWN, user=admin_user)
    assert (again.rows, again.created, again.updated, again.unchanged, again.rejected) == (3, 0, 0, 3, 0)

    Camera.objects.all().delete()  # the same file into an empty registry
    fresh = import_cameras(path=path, mapping=OWN, user=admin_user)
    assert (fresh.created, fresh.rejected) == (3, 0)
    assert snapshot() == before
    assert not Camera.objects.filter(name__startswith="=HYPERLINK").get().has_credentials  # secrets stay behind


@pytest.mark.django_db
def test_geojson_export_is_strict_geojson_and_reimports_unchanged(
    admin_user: Any, registry: list[Camera], tmp_path: Path
) -> None:
    client = Client()
    client.force_login(admin_user)
    response = export(client, "format=geojson")
    assert response["Content-Type"] == "application/geo+json"
    text = body(response)
    document = geojson.loads(text, max_decimals=MAX_DECIMALS)
    assert len(document["features"]) == 3
    first = next(f for f in document["features"] if f["id"] == registry[0].reference)
    assert first["geometry"] == {"type": "Point", "coordinates": [-87.912345679, 43.051234568]}
    assert first["properties"]["tags"] == ["gate", "school"] and "latitude" not in first["properties"]
    assert first["properties"]["name"].startswith("=HYPERLINK")  # JSON is not run by spreadsheets
    report = import_cameras(path=as_file(tmp_path, text, "export.geojson"), mapping=OWN, user=admin_user)
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 0, 0, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "geojson"])
def test_credentials_never_appear_in_an_export(admin_user: Any, registry: list[Camera], file_format: str) -> None:
    # Even a URL stored with user:password@ (written around the service) leaves without it.
    Camera.objects.filter(pk=registry[1].pk).update(stream_url=f"rtsp://viewer:{SECRET}@10.0.0.7/live")
    client = Client()
    client.force_login(admin_user)
    text = body(export(client, f"format={file_format}"))
    assert SECRET not in text and "viewer" not in text
    assert registry[0].stream_credentials_encrypted not in text
    assert "rtsp://10.0.0.7/live" in text and "rtsp://10.0.0.9:554/live" in text
    assert "stream_username" not in text and "stream_password" not in text


@pytest.mark.django_db
def test_export_is_audited_with_format_filters_and_count(admin_user: Any, registry: list[Camera]) -> None:
    client = Client()
    client.force_login(admin_user)
    text = body(export(client, "format=csv&status=approved&status=retired"))
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2
    event = AuditEvent.objects.get(action="camera.export")
    assert event.actor == admin_user
    assert event.details == {
        "format": "csv",
        "count": 2,
        "contacts": True,
        "filters": {"status": ["approved", "retired"]},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("format=csv&tier=live", {'=HYPERLINK("http://evil.example/","click")'}),
        ("format=csv&owner_type=residential&owner_type=city", {"Porch camera", "Red light"}),
        ("format=csv&status=pending", {"Porch camera"}),
    ],
)
def test_export_filters_like_the_list(admin_user: Any, registry: list[Camera], query: str, names: set[str]) -> None:
    client = Client()
    client.force_login(admin_user)
    rows = csv.DictReader(io.StringIO(body(export(client, query))))
    assert {row["name"].removeprefix("'") for row in rows} == names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "complaint"),
    [("format=xml", "format: one of csv, geojson"), ("format=csv&status=lost", "status: Select a valid choice.")],
)
def test_bad_export_queries_get_a_json_400(admin_user: Any, query: str, complaint: str) -> None:
    client = Client()
    client.force_login(admin_user)
    response = export(client, query)
    assert response.status_code == 400
    assert response.json()["error"].startswith(complaint)
    assert not AuditEvent.objects.filter(action="camera.export").exists()


@pytest.mark.django_db
def test_only_admins_may_export(client: Client, analyst: Any, supervisor: Any, registry: list[Camera]) -> None:
    assert export(client).status_code == 401
    for user in (analyst, supervisor):
        client.force_login(user)
        response = export(client, "format=geojson")
        assert response.status_code == 403
        assert response.json() == {"error": "Your role does not allow this."}
    assert not AuditEvent.objects.filter(action="camera.export").exists()
