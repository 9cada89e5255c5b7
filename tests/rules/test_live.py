"""The live run with a real Celery worker: it fires exactly what the dry-run showed, once per source."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from incidents.services import incident_data_normalise, incidents_upsert
from rtcc.models import OutboxEvent
from rules.live import rules_evaluate_new_events
from rules.models import RuleCursor, RuleMatch
from rules.services import rule_create
from rules.tasks import evaluate_new_events
from tests.conftest import wait_until
from tests.factories import CameraFactory
from tests.rules.helpers import EXPECTED_MIXED, MIXED_EVENTS, rule_json, seed

SPOT = (43.05, -87.95)
METRE_LAT = 1 / 111_000


def camera_south_of_spot(metres: float, heading: float, name: str) -> Any:
    return CameraFactory(name=name, location=Point(SPOT[1], SPOT[0] - metres * METRE_LAT, srid=4326), heading=heading)


def cursor_reached(seq: int) -> bool:
    return RuleCursor.objects.filter(pk=1, last_seq__gte=seq).exists()


@pytest.mark.django_db(transaction=True)
def test_live_run_fires_exactly_the_dry_run_matches_once(worker: None, admin_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(admin_user)
    rule_id = client.post("/api/v1/rules/", rule_json(), format="json").json()["id"]
    seen_north = [camera_south_of_spot(m, 0, f"North {m}") for m in (50, 80, 90, 95)]
    camera_south_of_spot(30, 180, "Looking away")
    events = seed(MIXED_EVENTS)

    dry = client.post("/api/v1/rules/dry-run/", rule_json(), format="json").json()
    dry_refs = {m["source_ref"] for m in dry["matches"]}
    assert dry_refs == EXPECTED_MIXED

    evaluate_new_events.delay()  # the real worker runs it
    wait_until(lambda: cursor_reached(events[-1].seq), timeout=30, what="the live run to pass the seeded events")

    alerts = list(Alert.objects.filter(type="rule_match").order_by("source_key"))
    assert {a.context["source"] for a in alerts} == dry_refs
    first = next(a for a in alerts if a.context["source"] == "incident:1")
    assert first.source_key == f"rule:{rule_id}:incident:1"
    assert (first.priority, first.title, first.streams) == (1, "SHOOTING at 1 N MAIN ST", ["ops"])
    assert first.context["open_correlation"] is True
    assert first.context["rule"] == {"id": rule_id, "name": "Armed violence P1"}
    cameras = first.context["cameras"]
    assert [c["name"] for c in cameras] == [c.name for c in seen_north[:3]]
    assert all(c["sees"] for c in cameras) and cameras[0]["distance_m"] == pytest.approx(50, abs=1)
    matches = RuleMatch.objects.filter(rule_id=rule_id)
    assert {m.source_ref for m in matches} == dry_refs
    assert all(m.alert_id for m in matches)

    # Idempotent: running again, even replaying every event from the start, raises nothing new.
    assert rules_evaluate_new_events() == 0
    RuleCursor.objects.filter(pk=1).update(last_seq=0)
    evaluate_new_events.delay()
    wait_until(lambda: cursor_reached(events[-1].seq), timeout=30, what="the replay")
    assert Alert.objects.filter(type="rule_match").count() == len(dry_refs)
    assert RuleMatch.objects.count() == len(dry_refs)


def _cad(call_type: str, address: str) -> Any:
    return incident_data_normalise(
        data={
            "external_id": "CAD-LIVE-1",
            "call_type": call_type,
            "priority": 1,
            "received_at": timezone.now(),
            "address": address,
            "latitude": 43.0695,
            "longitude": -87.9447,
            "district": "5",
        }
    )


@pytest.mark.django_db(transaction=True)
def test_an_incident_recorded_by_the_service_fires_through_the_worker_once(worker: None, admin_user: Any) -> None:
    rule = rule_create(user=admin_user, data=rule_json(name="Live path"))
    with transaction.atomic(durable=True):
        incidents_upsert(source="test-cad", items=[_cad("SHOOTING", "2483 W HADLEY ST")])
    # Nobody calls the task: the after-commit signal enqueued it.
    wait_until(lambda: Alert.objects.filter(type="rule_match").exists(), timeout=30, what="the rule alert")
    alert = Alert.objects.get(type="rule_match")
    assert alert.title == "SHOOTING at 2483 W HADLEY ST"
    assert alert.location is not None and alert.context["cameras"] == []

    for number in range(5):  # updated five times: still one alert
        with transaction.atomic(durable=True):
            incidents_upsert(source="test-cad", items=[_cad("SHOOTING", f"{2483 + number} W HADLEY ST")])
    last = OutboxEvent.objects.filter(type="incident.updated").aggregate(m=Max("seq"))["m"]
    wait_until(lambda: cursor_reached(last), timeout=30, what="the updates to be evaluated")
    assert Alert.objects.filter(type="rule_match").count() == 1
    assert list(RuleMatch.objects.values_list("rule_id", "source_ref", "event_type")) == [
        (rule.pk, f"incident:{alert.context['source'].split(':')[1]}", "incident.created")
    ]


@pytest.mark.django_db(transaction=True)
def test_disabled_rules_do_not_fire_and_audience_goes_to_named_groups(
    worker: None, admin_user: Any, supervisor: Any
) -> None:
    data = rule_json(name="To supervisors")
    data["actions"]["audience"] = {"roles": ["supervisor"], "users": ["sup"]}
    rule_create(user=admin_user, data=data)
    rule_create(user=admin_user, data=rule_json(name="Off", enabled=False))
    events = seed(MIXED_EVENTS[:1])
    evaluate_new_events.delay()
    wait_until(lambda: cursor_reached(events[-1].seq), timeout=30, what="the live run")
    alert = Alert.objects.get(type="rule_match")
    assert alert.context["rule"]["name"] == "To supervisors"
    assert alert.streams == ["role.supervisor", f"user.{supervisor.pk}"]


@pytest.mark.django_db(transaction=True)
def test_one_bad_payload_is_skipped_and_the_cursor_moves_on(admin_user: Any) -> None:
    data = rule_json(name="No cameras")
    data["actions"]["attach_cameras"] = 0
    rule_create(user=admin_user, data=data)
    bad_type, bad = MIXED_EVENTS[0]
    events = seed([(bad_type, {**bad, "lon": "not a number"}), MIXED_EVENTS[2]])
    assert rules_evaluate_new_events() == 1
    assert cursor_reached(events[-1].seq)
    assert [m.source_ref for m in RuleMatch.objects.all()] == ["incident:3"]
