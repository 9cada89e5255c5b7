"""Shots-fired: a detection creates a P1 incident and an alert; reviews update all three."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from alerts.models import Alert
from feeds import services as feed_services
from incidents.models import Incident
from rtcc.models import OutboxEvent
from shots.ingest import shots_records_process
from shots.models import ShotsFired


def shot_record(external_id: str = "S-1", **overrides: Any) -> dict[str, Any]:
    record = {
        "external_id": external_id,
        "detected_at": "2026-01-15T22:41:07-06:00",
        "latitude": 43.0695,
        "longitude": -87.9447,
        "rounds": 3,
        "type": "multiple",
        "confidence": 0.93,
        "address": "2483 W HADLEY ST",
    }
    record.update(overrides)
    return record


@pytest.fixture
def feed(db: None) -> Any:
    return feed_services.feed_create(name="Sensors", kind="shots", slug="sensors")[0]


def process(feed: Any, records: list[dict[str, Any]]) -> Any:
    with transaction.atomic():
        return shots_records_process(feed=feed, records=records)


@pytest.mark.django_db
def test_new_detection_creates_a_p1_incident_and_an_alert(feed: Any) -> None:
    process(feed, [shot_record()])
    shot = ShotsFired.objects.get()
    incident = shot.incident
    assert (incident.source, incident.external_id, incident.priority) == ("sensors", "S-1", 1)
    assert incident.call_type == "SHOTS FIRED (SENSOR)"
    assert incident.location == shot.location
    assert "3 rounds" in incident.narrative
    alert = Alert.objects.get()
    assert (alert.type, alert.priority, alert.status, alert.source_key) == ("shots_fired", 1, "new", f"shots:{shot.pk}")
    assert alert.title == "Shots fired at 2483 W HADLEY ST"
    types = list(OutboxEvent.objects.order_by("seq").values_list("type", flat=True))
    assert types == ["incident.created", "shots.created", "alert.raised"]


@pytest.mark.django_db
def test_review_correcting_rounds_updates_detection_incident_and_alert(feed: Any) -> None:
    process(feed, [shot_record()])
    process(feed, [shot_record(rounds=5, review_status="confirmed")])
    shot = ShotsFired.objects.get()
    assert (shot.rounds, shot.review_status) == (5, "confirmed")
    assert "5 rounds" in Incident.objects.get().narrative
    assert "Confirmed gunfire" in Alert.objects.get().detail
    assert ShotsFired.objects.count() == Incident.objects.count() == Alert.objects.count() == 1


@pytest.mark.django_db
def test_not_gunfire_cancels_the_incident_and_resolves_the_alert(feed: Any) -> None:
    process(feed, [shot_record()])
    process(feed, [shot_record(review_status="not_gunfire")])
    incident = Incident.objects.get()
    assert (incident.status, incident.disposition) == ("cancelled", "Not gunfire (sensor review)")
    alert = Alert.objects.get()
    assert (alert.status, alert.resolution_note) == ("resolved", "Reviewed: not gunfire")

    process(feed, [shot_record(review_status="confirmed")])  # a second reviewer disagrees
    assert Incident.objects.get().status == "received"
    assert Alert.objects.get().status == "new"


@pytest.mark.django_db
def test_same_message_twice_changes_nothing(feed: Any) -> None:
    process(feed, [shot_record()])
    before = OutboxEvent.objects.count()
    process(feed, [shot_record()])
    assert OutboxEvent.objects.count() == before


@pytest.mark.django_db
def test_detection_first_reviewed_as_not_gunfire_raises_no_alert(feed: Any) -> None:
    process(feed, [shot_record(review_status="not_gunfire")])
    assert Alert.objects.count() == 0
    assert Incident.objects.get().status == "cancelled"


@pytest.mark.django_db
def test_detection_outside_the_service_area_is_kept_and_flagged(feed: Any) -> None:
    process(feed, [shot_record(latitude=38.861, longitude=-77.001)])
    shot = ShotsFired.objects.get()
    assert (shot.location, shot.location_status) == (None, "out_of_area")
    assert shot.incident.location_status == "out_of_area"
