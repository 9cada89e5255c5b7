"""End to end through a real Celery worker process: accept → process → upsert, dead letter → replay."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from feeds.models import DeadLetter, InboxBatch
from incidents.models import Incident
from incidents.services import call_type_upsert
from tests.conftest import cad_record, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def batch_done(batch_id: str) -> bool:
    return InboxBatch.objects.filter(id=batch_id).exclude(status="received").exists()


def test_worker_processes_batches_idempotently(worker: None, feed_client: APIClient) -> None:
    records = [cad_record(f"W-{i}", call_type=f"TYPE {i}") for i in range(25)]
    first = feed_client.post("/api/v1/ingest/cad/", {"records": records}, format="json")
    assert first.status_code == 202
    wait_until(lambda: batch_done(first.json()["batch_id"]), what="first batch processed")
    assert Incident.objects.count() == 25

    second = feed_client.post("/api/v1/ingest/cad/", {"records": records}, format="json")
    assert second.status_code == 202
    wait_until(lambda: batch_done(second.json()["batch_id"]), what="second batch processed")
    assert Incident.objects.count() == 25
    assert InboxBatch.objects.get(id=second.json()["batch_id"]).status == "done"


def test_failed_record_is_dead_lettered_and_replay_fixes_it(worker: None, feed_client: APIClient) -> None:
    unknown = cad_record("DL-1", call_type="DRONE SIGHTING")
    del unknown["priority"]
    response = feed_client.post("/api/v1/ingest/cad/", {"records": [cad_record("DL-0"), unknown]}, format="json")
    batch_id = response.json()["batch_id"]
    wait_until(lambda: batch_done(batch_id), what="batch processed")

    batch = InboxBatch.objects.get(id=batch_id)
    assert (batch.status, batch.processed_count, batch.dead_letter_count) == ("partial", 1, 1)
    letter = DeadLetter.objects.get()
    assert (letter.external_id, letter.status) == ("DL-1", "open")
    assert "DRONE SIGHTING" in letter.error
    assert letter.record == unknown
    assert not Incident.objects.filter(external_id="DL-1").exists()

    call_command("replay_dead_letters")  # cause not fixed yet: still open, attempt counted
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == ("open", 2)

    call_type_upsert(code="DRONE SIGHTING", default_priority=3)
    call_command("replay_dead_letters", "--feed", "test-cad")
    letter.refresh_from_db()
    assert letter.status == "replayed"
    assert Incident.objects.get(external_id="DL-1").priority == 3


def test_stalled_batch_is_requeued(worker: None, cad_feed: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from feeds.tasks import requeue_stalled_batches

    feed, _ = cad_feed
    # As if the broker had been down when the batch was accepted: persisted, never enqueued.
    batch = InboxBatch.objects.create(feed=feed, records=[cad_record("STALL-1")], record_count=1)
    InboxBatch.objects.filter(id=batch.id).update(received_at=timezone.now() - timedelta(minutes=5))
    assert requeue_stalled_batches() == 1
    wait_until(lambda: batch_done(str(batch.id)), what="requeued batch processed")
    assert Incident.objects.filter(external_id="STALL-1").exists()


def test_a_shots_batch_done_in_the_request_is_not_done_again_by_its_task(worker: None, feed_client: APIClient) -> None:
    """Shots batches are processed in the ingest request and their task is enqueued as always: the
    worker must find them done (one attempt, one detection, one alert), over many posts."""
    from alerts.models import Alert
    from feeds import services as feed_services
    from shots.models import ShotsFired
    from tests.shots.test_services import shot_record

    _, key = feed_services.feed_create(name="Inline sensors", kind="shots", slug="inline-sensors")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    ids = [
        client.post("/api/v1/ingest/shots/", {"records": [shot_record(f"IN-{n}")]}, format="json").json()["batch_id"]
        for n in range(10)
    ]
    assert all(batch_done(batch_id) for batch_id in ids)  # done before the 202, not by the worker
    # The worker runs its queue in order: once a CAD batch posted after them is done, every
    # shots task has run too.
    marker = feed_client.post("/api/v1/ingest/cad/", {"records": [cad_record("AFTER")]}, format="json")
    wait_until(lambda: batch_done(marker.json()["batch_id"]), what="the CAD batch posted after them")
    assert sorted(InboxBatch.objects.filter(id__in=ids).values_list("attempts", flat=True)) == [1] * 10
    assert ShotsFired.objects.filter(external_id__startswith="IN-").count() == 10
    assert Alert.objects.filter(type="shots_fired").count() == 10
