"""Incident upsert: idempotent, merges updates, events only for real changes, on commit only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from feeds.models import Feed
from incidents.ingest import cad_records_process
from incidents.models import Incident
from incidents.services import call_type_upsert
from rtcc.models import OutboxEvent
from tests.conftest import cad_record


def process(feed: Feed, records: list[dict[str, Any]]) -> Any:
    with transaction.atomic():
        return cad_records_process(feed=feed, records=records)


@pytest.fixture
def feed(cad_feed: tuple[Feed, str]) -> Feed:
    return cad_feed[0]


@pytest.mark.django_db
def test_same_cad_number_twice_updates_instead_of_duplicating(feed: Feed) -> None:
    process(feed, [cad_record("C-1")])
    process(feed, [cad_record("C-1", status="dispatched", dispatched_at="2026-11-23T10:02:00-06:00")])
    incident = Incident.objects.get()
    assert incident.status == "dispatched"
    assert incident.dispatched_at == datetime(2026, 11, 23, 16, 2, tzinfo=UTC)
    assert [e.type for e in OutboxEvent.objects.order_by("seq")] == ["incident.created", "incident.updated"]


@pytest.mark.django_db
def test_resending_identical_state_emits_no_event(feed: Feed) -> None:
    process(feed, [cad_record("C-1")])
    process(feed, [cad_record("C-1")])
    assert Incident.objects.count() == 1
    assert OutboxEvent.objects.count() == 1


@pytest.mark.django_db
def test_fields_left_out_of_an_update_keep_their_value(feed: Feed) -> None:
    process(feed, [cad_record("C-1", narrative="caller reports two shots")])
    process(
        feed,
        [
            {
                "external_id": "C-1",
                "call_type": "SHOTS FIRED",
                "received_at": "2026-11-23T10:00:00-06:00",
                "status": "closed",
                "disposition": "Report filed",
                "priority": 1,
            }
        ],
    )
    incident = Incident.objects.get()
    assert incident.narrative == "caller reports two shots"
    assert incident.address == "2483 W HADLEY ST"
    assert incident.location is not None
    assert (incident.status, incident.disposition) == ("closed", "Report filed")


@pytest.mark.django_db
def test_last_record_wins_within_a_batch(feed: Feed) -> None:
    process(feed, [cad_record("C-1", status="received"), cad_record("C-1", status="on_scene")])
    assert Incident.objects.get().status == "on_scene"


@pytest.mark.django_db
def test_priority_comes_from_the_call_type_table_when_absent(feed: Feed) -> None:
    call_type_upsert(code="THEFT", default_priority=3)
    record = cad_record("C-1", call_type="THEFT")
    del record["priority"]
    result = process(feed, [record])
    assert result.failures == []
    assert Incident.objects.get().priority == 3


@pytest.mark.django_db
def test_unknown_call_type_without_priority_is_a_processing_failure(feed: Feed) -> None:
    record = cad_record("C-1", call_type="NEW TYPE")
    del record["priority"]
    result = process(feed, [cad_record("C-2"), record])
    assert [(f.index, f.external_id) for f in result.failures] == [(1, "C-1")]
    assert "NEW TYPE" in result.failures[0].error
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["C-2"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("coordinates", "status"),
    [
        ({"latitude": 47.37, "longitude": -115.37}, "out_of_area"),
        ({"latitude": None, "longitude": None}, "missing"),
        ({"latitude": 0, "longitude": 0}, "missing"),
        ({"latitude": 43.0695, "longitude": -87.9447}, "ok"),
    ],
)
def test_location_is_flagged_when_missing_or_out_of_area(feed: Feed, coordinates: dict[str, Any], status: str) -> None:
    process(feed, [cad_record("C-1", **coordinates)])
    incident = Incident.objects.get()
    assert incident.location_status == status
    assert (incident.location is not None) == (status == "ok")


@pytest.mark.django_db
@override_settings(RTCC_SERVICE_AREA=[-1.0, -1.0, 1.0, 1.0])
def test_service_area_is_configurable(feed: Feed) -> None:
    process(feed, [cad_record("C-1")])
    assert Incident.objects.get().location_status == "out_of_area"


@pytest.mark.django_db
def test_naive_times_are_read_in_the_agency_time_zone(feed: Feed) -> None:
    process(feed, [cad_record("C-1", received_at="2026-07-01T12:00:00")])
    assert Incident.objects.get().received_at == datetime(2026, 7, 1, 17, 0, tzinfo=UTC)  # CDT = UTC-5


@pytest.mark.django_db
def test_the_same_cad_number_from_two_feeds_is_two_incidents(feed: Feed) -> None:
    other = Feed.objects.create(name="Other CAD", slug="other-cad", kind="cad", key_prefix="x", key_hash="y")
    process(feed, [cad_record("C-1")])
    process(other, [cad_record("C-1")])
    assert sorted(Incident.objects.values_list("source", flat=True)) == ["other-cad", "test-cad"]


@pytest.mark.django_db
def test_records_repeating_a_cad_number_in_one_batch_apply_in_order(feed: Feed) -> None:
    process(
        feed,
        [
            cad_record("C-1", status="dispatched", dispatched_at="2026-11-23T10:01:00-06:00"),
            {
                "external_id": "C-1",
                "call_type": "SHOTS FIRED",
                "received_at": "2026-11-23T10:00:00-06:00",
                "status": "closed",
                "closed_at": "2026-11-23T10:30:00-06:00",
            },
        ],
    )
    incident = Incident.objects.get()
    assert incident.status == "closed"
    assert incident.dispatched_at is not None and incident.closed_at is not None
    assert incident.priority == 1


@pytest.mark.django_db
def test_update_of_a_stored_incident_needs_no_priority(feed: Feed) -> None:
    process(feed, [cad_record("C-1", priority=2)])
    update = cad_record("C-1", call_type="UNLISTED TYPE", status="closed")
    del update["priority"]
    assert process(feed, [update]).failures == []
    assert Incident.objects.get().priority == 2


@pytest.mark.django_db
def test_update_without_priority_keeps_the_feeds_priority_over_the_call_type_default(feed: Feed) -> None:
    call_type_upsert(code="FIGHT", default_priority=2)
    process(feed, [cad_record("C-1", call_type="FIGHT", priority=1)])
    update = cad_record("C-1", call_type="FIGHT", status="dispatched")
    del update["priority"]
    process(feed, [update])
    assert Incident.objects.get().priority == 1
