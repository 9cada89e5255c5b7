"""POST /api/v1/ingest/shots/: clear 4xx per record, nothing written; 202 persists."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from feeds import services as feed_services
from feeds.models import InboxBatch
from tests.shots.test_services import shot_record

URL = "/api/v1/ingest/shots/"


@pytest.fixture
def shots_client(db: None) -> APIClient:
    _, key = feed_services.feed_create(name="Sensors", kind="shots", slug="sensors")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.mark.django_db
def test_valid_detections_are_accepted(shots_client: APIClient) -> None:
    response = shots_client.post(URL, {"records": [shot_record("A"), shot_record("B")]}, format="json")
    assert response.status_code == 202
    assert InboxBatch.objects.get().record_count == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("record", "field"),
    [
        (shot_record(type="burst"), "type"),
        (shot_record(rounds=-1), "rounds"),
        (shot_record(rounds="three"), "rounds"),
        (shot_record(confidence=93), "confidence"),
        (shot_record(latitude=123.0), "latitude"),
        (shot_record(review_status="maybe"), "review_status"),
        (shot_record(detected_at="2099-01-01T00:00:00Z"), "detected_at"),
        ({k: v for k, v in shot_record().items() if k != "latitude"}, "latitude"),
        (shot_record(calibre="9mm"), "calibre"),
    ],
)
def test_bad_detection_is_refused_naming_the_field(shots_client: APIClient, record: Any, field: str) -> None:
    response = shots_client.post(URL, {"records": [record]}, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]["records"][0]["errors"]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_detection_ids_in_one_batch_are_refused(shots_client: APIClient) -> None:
    response = shots_client.post(URL, {"records": [shot_record("A"), shot_record("A", rounds=4)]}, format="json")
    assert response.status_code == 400
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_a_cad_key_cannot_post_detections(feed_client: APIClient) -> None:
    assert feed_client.post(URL, {"records": [shot_record()]}, format="json").status_code == 403


# --- processed in the request (RTCC_INGEST_INLINE_KINDS) ----------------------------------------


@pytest.mark.django_db
def test_a_detection_is_processed_in_the_request_without_a_worker(shots_client: APIClient) -> None:
    from shots.models import ShotsFired

    response = shots_client.post(URL, {"records": [shot_record("A")]}, format="json")
    assert response.status_code == 202
    batch = InboxBatch.objects.get()
    assert (batch.status, batch.attempts, batch.processed_count) == ("done", 1, 1)
    assert ShotsFired.objects.get().external_id == "A"


@pytest.mark.django_db
def test_large_batches_and_other_kinds_wait_for_the_worker(
    shots_client: APIClient, feed_client: APIClient, settings: Any
) -> None:
    from tests.conftest import cad_record

    settings.RTCC_INGEST_INLINE_MAX_RECORDS = 2
    three = {"records": [shot_record(str(n)) for n in range(3)]}
    assert shots_client.post(URL, three, format="json").status_code == 202
    assert feed_client.post("/api/v1/ingest/cad/", {"records": [cad_record()]}, format="json").status_code == 202
    waiting = sorted(InboxBatch.objects.values_list("feed__kind", "status"))
    assert waiting == [("cad", "received"), ("shots", "received")]
    settings.RTCC_INGEST_INLINE_KINDS = []
    assert shots_client.post(URL, {"records": [shot_record("X")]}, format="json").status_code == 202
    assert InboxBatch.objects.filter(status="received").count() == 3


@pytest.mark.django_db
def test_a_failure_in_the_request_leaves_the_batch_to_the_worker(
    shots_client: APIClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Fault injection: the shots handler raises. The 202 stands, nothing half-written remains, the
    batch is still waiting for its (already enqueued) task, and the failure is logged."""
    from feeds import pipeline
    from shots.models import ShotsFired

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "handler_for", lambda kind: broken)
    response = shots_client.post(URL, {"records": [shot_record("A")]}, format="json")
    assert response.status_code == 202
    batch = InboxBatch.objects.get()
    assert (batch.status, batch.attempts) == ("received", 0)
    assert not ShotsFired.objects.exists()
    assert "inline processing of batch" in caplog.text
