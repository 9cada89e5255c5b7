"""CAP 1.2 ingest: every real valid example accepted, the invalid one refused naming <certainty>."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from alerts.models import Alert
from cap.ingest import cap_records_process
from cap.models import CapAlert
from feeds import services as feed_services
from feeds.models import InboxBatch

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted(p.name for p in FIXTURES.glob("*.xml") if p.name != "tg_invalid_schema.xml")
URL = "/api/v1/ingest/cap/"


@pytest.fixture
def cap_feed(db: None) -> tuple[Any, str]:
    return feed_services.feed_create(name="Weather service", kind="cap", slug="weather")


@pytest.fixture
def cap_client(cap_feed: tuple[Any, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {cap_feed[1]}")
    return client


def post_xml(client: APIClient, body: bytes | str, content_type: str = "application/cap+xml") -> Any:
    return client.post(URL, data=body, content_type=content_type)


@pytest.mark.django_db
@pytest.mark.parametrize("name", VALID)
def test_every_valid_example_is_accepted(cap_client: APIClient, name: str) -> None:
    response = post_xml(cap_client, (FIXTURES / name).read_bytes())
    assert response.status_code == 202, response.content
    assert InboxBatch.objects.get().records[0]["xml"].startswith("<?xml")


@pytest.mark.django_db
def test_example_without_certainty_is_refused_naming_it(cap_client: APIClient) -> None:
    response = post_xml(cap_client, (FIXTURES / "tg_invalid_schema.xml").read_bytes())
    assert response.status_code == 400
    assert response.json()["error"] == "certainty: required (info 1)"
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"<alert", "xml: not well-formed"),
        (b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>', "alert: root element"),
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&x;</alert>',
            "xml: forbidden construct",
        ),
        (
            (FIXTURES / "sc_valid.xml").read_bytes().replace(b"<status>Actual</status>", b"<status>Real</status>"),
            "status: 'Real' is not one of",
        ),
        (
            (FIXTURES / "sc_valid.xml").read_bytes().replace(b"<msgType>Alert</msgType>", b"<msgType>Cancel</msgType>"),
            "references: required when msgType is Cancel",
        ),
    ],
)
def test_bad_messages_are_refused_with_the_element_named(cap_client: APIClient, body: bytes, complaint: str) -> None:
    response = post_xml(cap_client, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(complaint)
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_json_body_is_415_and_oversize_is_413(cap_client: APIClient, settings: Any) -> None:
    assert cap_client.post(URL, {"records": []}, format="json").status_code == 415
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert post_xml(cap_client, (FIXTURES / "us_valid.xml").read_bytes()).status_code == 413


def process(feed: Any, name: str) -> None:
    with transaction.atomic():
        result = cap_records_process(feed=feed, records=[{"xml": (FIXTURES / name).read_text(encoding="utf-8")}])
    assert result.failures == []


@pytest.mark.django_db
def test_polygon_alert_is_stored_with_its_area_and_raises_an_analyst_alert(cap_feed: Any, analyst: Any) -> None:
    process(cap_feed[0], "ca_valid.xml")
    stored = CapAlert.objects.get()
    assert (stored.event, stored.severity, stored.state) == ("thunderstorm", stored.severity, "active")
    assert stored.area is not None and stored.area.num_geom >= 1
    alert = Alert.objects.get(type="cap")
    assert alert.title.startswith("thunderstorm")
    client = APIClient()
    client.force_login(analyst)
    layer = client.get("/api/v1/cap/layer/?state=active").json()
    assert [f["id"] for f in layer["features"]] == [stored.pk]
    assert layer["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.django_db
def test_amber_alert_keeps_vehicle_and_plate_text(cap_feed: Any) -> None:
    process(cap_feed[0], "oasis_cap12_amber_alert_example.xml")
    stored = CapAlert.objects.get()
    assert stored.event == "Child Abduction"
    assert "VEHICLE: 81' BUICK 2-DR, BLUE (4XXX000)" in stored.infos[0]["description"]
    assert stored.area is None  # described by a geocode only


@pytest.mark.django_db
def test_cancel_marks_the_referenced_alert_and_resolves_its_analyst_alert(cap_feed: Any) -> None:
    process(cap_feed[0], "sc_valid.xml")
    original = CapAlert.objects.get()
    xml = (FIXTURES / "sc_valid.xml").read_text(encoding="utf-8")
    cancel = (
        xml.replace("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>")
        .replace(f"<identifier>{original.identifier}</identifier>", "<identifier>cancel-1</identifier>")
        .replace(
            "<scope>Public</scope>",
            f"<scope>Public</scope><references>{original.sender},"
            f"{original.identifier},{original.sent.isoformat()}</references>",
        )
    )
    with transaction.atomic():
        assert cap_records_process(feed=cap_feed[0], records=[{"xml": cancel}]).failures == []
    original.refresh_from_db()
    assert original.state == "cancelled"
    assert Alert.objects.get(source_key=f"cap:{original.pk}").status == "resolved"
