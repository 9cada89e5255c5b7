"""Map layers of monitoring data: latest positions (purpose-bound, audited) and zones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from monitoring.models import Subject
from tests.monitoring.test_geofence import INSIDE, OUTSIDE, ping, process

URL = "/api/v1/monitoring/subjects/positions/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_positions_give_each_subjects_latest_recent_ping_and_are_audited(
    analyst: Any, feed: Any, subject: Subject
) -> None:
    now = timezone.now()
    other = Subject.objects.create(
        source="em", device_id="DEV-8", reference="EM-2000", supervision_type="parole", active_from=subject.active_from
    )
    process(
        feed,
        [
            ping(now - timedelta(minutes=20), OUTSIDE),
            ping(now - timedelta(minutes=3), INSIDE),
            ping(now - timedelta(hours=3), OUTSIDE, device="DEV-8"),  # too old for the layer
        ],
    )
    response = client_for(analyst).get(f"{URL}?purpose=victim_safety&case_number=2026-1&minutes=30")
    assert response.status_code == 200, response.content
    features = response.json()["features"]
    assert [(f["id"], f["geometry"]["coordinates"]) for f in features] == [(subject.pk, [INSIDE[1], INSIDE[0]])]
    assert other.pk not in [f["id"] for f in features]
    event = AuditEvent.objects.get()
    assert (event.action, event.purpose, event.case_number) == ("monitoring.positions.view", "victim_safety", "2026-1")
    assert event.details["subjects"] == [subject.pk]


@pytest.mark.django_db
def test_positions_outside_the_bbox_are_left_out(analyst: Any, feed: Any, subject: Subject) -> None:
    process(feed, [ping(timezone.now() - timedelta(minutes=2), OUTSIDE)])
    bbox = "-87.96,43.04,-87.94,43.055"  # around INSIDE, not OUTSIDE
    response = client_for(analyst).get(f"{URL}?purpose=investigation&case_number=C-9&bbox={bbox}")
    assert response.status_code == 200
    assert response.json()["features"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("case_number=C-1", "purpose"),
        ("purpose=investigation", "case_number"),
        ("purpose=curiosity&case_number=C-1", "purpose"),
        ("purpose=investigation&case_number=C-1&bbox=1,2,3", "bbox"),
        ("purpose=investigation&case_number=C-1&minutes=0", "minutes"),
    ],
)
@pytest.mark.django_db
def test_positions_refuse_bad_input_and_audit_nothing(analyst: Any, query: str, field: str) -> None:
    response = client_for(analyst).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_positions_and_zones_are_refused_to_admins(admin_user: Any) -> None:
    client = client_for(admin_user)
    assert client.get(f"{URL}?purpose=investigation&case_number=C-1").status_code == 403
    assert client.get("/api/v1/monitoring/zones/layer/").status_code == 403


@pytest.mark.django_db
def test_zone_layer_is_geojson(analyst: Any, zone: Any) -> None:
    response = client_for(analyst).get("/api/v1/monitoring/zones/layer/")
    assert response.status_code == 200
    feature = response.json()["features"][0]
    assert (feature["id"], feature["properties"]["name"], feature["geometry"]["type"]) == (
        zone.pk,
        "Victim residence",
        "MultiPolygon",
    )
