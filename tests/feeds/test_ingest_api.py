"""CAD ingest API: durable accept, clear 4xx for every kind of bad input, nothing written on error."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from feeds import services
from feeds.models import InboxBatch
from tests.conftest import cad_record

URL = "/api/v1/ingest/cad/"


def post(client: APIClient, body: Any) -> Any:
    return client.post(URL, body, format="json")


@pytest.mark.django_db
def test_valid_batch_is_persisted_before_202(feed_client: APIClient, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(feed_client, {"records": [cad_record("A1"), cad_record("A2")]})
    assert len(callbacks) == 1  # processing is enqueued only once the batch row is committed
    assert response.status_code == 202, response.content
    batch = InboxBatch.objects.get(id=response.json()["batch_id"])
    assert response.json()["accepted"] == 2
    assert [r["external_id"] for r in batch.records] == ["A1", "A2"]
    assert batch.status == "received"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"records": [cad_record(priority="high")]}, "priority"),
        ({"records": [cad_record(received_at="yesterday")]}, "received_at"),
        ({"records": [cad_record(latitude="north")]}, "latitude"),
        ({"records": [cad_record(latitude=91.5)]}, "latitude"),
        ({"records": [cad_record(longitude=-181)]}, "longitude"),
        ({"records": [{k: v for k, v in cad_record().items() if k != "longitude"}]}, "longitude"),
        ({"records": [{k: v for k, v in cad_record().items() if k != "external_id"}]}, "external_id"),
        ({"records": [{k: v for k, v in cad_record().items() if k != "call_type"}]}, "call_type"),
        ({"records": [{k: v for k, v in cad_record().items() if k != "received_at"}]}, "received_at"),
        ({"records": [cad_record(status="finished")]}, "status"),
        ({"records": [cad_record(latitdue=43.0)]}, "latitdue"),
        ({"records": [cad_record(external_id="X" * 65)]}, "external_id"),
        ({"records": [cad_record(received_at="2099-01-01T00:00:00Z")]}, "received_at"),
        ({"records": [cad_record(closed_at="2099-01-01T00:00:00Z")]}, "closed_at"),
    ],
)
def test_bad_record_is_refused_naming_the_field(feed_client: APIClient, body: Any, field: str) -> None:
    response = post(feed_client, body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data["error"]
    assert field in data["details"]["records"][0]["errors"]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_one_bad_record_refuses_the_whole_batch_and_names_its_index(feed_client: APIClient) -> None:
    records = [cad_record("OK-1"), cad_record("BAD", priority=9), cad_record("OK-2")]
    response = post(feed_client, {"records": records})
    assert response.status_code == 400
    problem = response.json()["details"]["records"]
    assert problem == [{"index": 1, "external_id": "BAD", "errors": {"priority": ['"9" is not a valid choice.']}}]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "body"),
        ([cad_record()], "body"),
        ({"records": []}, "records"),
        ({"records": "CAD-1"}, "records"),
        ({"records": [cad_record()], "extra": 1}, "body"),
        ({"records": ["not an object"]}, "records are invalid"),
    ],
)
def test_bad_envelope_is_refused(feed_client: APIClient, body: Any, needle: str) -> None:
    response = post(feed_client, body)
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_is_a_400_not_a_500(feed_client: APIClient) -> None:
    response = feed_client.post(URL, data=b'{"records": [', content_type="application/json")
    assert response.status_code == 400
    assert "Malformed request body" in response.json()["error"]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_wrong_content_type_is_415(feed_client: APIClient) -> None:
    response = feed_client.post(URL, data="records=1", content_type="text/plain")
    assert response.status_code == 415
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_five_megabyte_body_is_refused_with_413(feed_client: APIClient) -> None:
    padding = "x" * 4000
    records = [cad_record(f"BIG-{i}", narrative=padding) for i in range(1300)]  # ~5.3 MB
    response = post(feed_client, {"records": records})
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["error"]
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
@override_settings(RTCC_INGEST_MAX_RECORDS=3)
def test_too_many_records_is_refused(feed_client: APIClient) -> None:
    response = post(feed_client, {"records": [cad_record(f"N{i}") for i in range(4)]})
    assert response.status_code == 400
    assert "at most 3 records" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "Api-Key rtcc_00000000_wrong", "Api-Key", "Api-Key not-a-key-at-all", "Bearer something"],
)
def test_absent_or_wrong_api_key_is_401(cad_feed: Any, header: str | None) -> None:
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = post(client, {"records": [cad_record()]})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_rotated_key_stops_working(cad_feed: Any) -> None:
    feed, old_key = cad_feed
    new_key = services.feed_rotate_key(feed=feed)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {old_key}")
    assert post(client, {"records": [cad_record()]}).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {new_key}")
    assert post(client, {"records": [cad_record()]}).status_code == 202


@pytest.mark.django_db
def test_disabled_feed_is_refused(cad_feed: Any, feed_client: APIClient) -> None:
    feed, _ = cad_feed
    feed.enabled = False
    feed.save()
    response = post(feed_client, {"records": [cad_record()]})
    assert response.status_code == 401
    assert "disabled" in response.json()["error"]


@pytest.mark.django_db
def test_feed_of_another_kind_is_forbidden(db: None) -> None:
    feed, key = services.feed_create(name="Other", kind="cad", slug="other")
    feed.kind = "shots"
    feed.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert post(client, {"records": [cad_record()]}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["analyst", "admin_user"])
def test_people_cannot_use_the_ingest_api(request: pytest.FixtureRequest, role_fixture: str) -> None:
    client = APIClient()
    client.force_login(request.getfixturevalue(role_fixture))
    assert post(client, {"records": [cad_record()]}).status_code in (401, 403)
    assert InboxBatch.objects.count() == 0


@pytest.mark.django_db
def test_api_key_is_stored_hashed(cad_feed: Any) -> None:
    feed, key = cad_feed
    feed.refresh_from_db()
    assert key not in (feed.key_hash, feed.key_prefix)
    assert len(feed.key_hash) == 64


@pytest.mark.django_db
def test_duplicate_ids_inside_one_batch_are_refused_naming_both_records(feed_client: APIClient) -> None:
    records = [cad_record("D-1"), cad_record("D-2"), cad_record("D-1", status="closed")]
    response = post(feed_client, {"records": records})
    assert response.status_code == 400
    (problem,) = response.json()["details"]["records"]
    assert problem["index"] == 2
    assert "Duplicate in this batch (first at record 0)" in problem["errors"]["external_id"][0]
    assert InboxBatch.objects.count() == 0
