"""OpenALPR / Rekor agent `alpr_group` webhook: the real sample (with its BOM), the plate rule, bad input."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from feeds.models import Feed, InboxBatch
from lpr.adapters.openalpr import record_from_group
from lpr.models import Hit, Read, Reader
from lpr.services.hotlists import entry_create
from tests.conftest import wait_until

URL = "/api/v1/ingest/lpr/openalpr/"
SAMPLE = Path(__file__).parent / "fixtures" / "openalpr_agent_alpr_group_webhook.json"
CAMERA_ID = "106232737"
BEST_UUID = "U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N-106232737-1609433731402"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_bytes().decode("utf-8-sig"))


def post_json(client: APIClient, body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def agent_camera(lpr_feed: tuple[Feed, str]) -> Reader:
    return Reader.objects.create(name="Mailbox east", feed=lpr_feed[0], external_id=CAMERA_ID)


# --- the adapter ----------------------------------------------------------------------------------


def test_the_group_plate_best_plate_number_wins_over_the_frame_plate(caplog: pytest.LogCaptureFixture) -> None:
    group = sample()
    assert (group["best_plate_number"], group["best_plate"]["plate"]) == ("A424761", "TEST123")
    with caplog.at_level(logging.WARNING, logger="lpr.adapters.openalpr"):
        record = record_from_group(group)
    assert record["plate"] == "A424761"
    assert "A424761" in caplog.text and "TEST123" in caplog.text  # the disagreement is logged


def test_best_plate_is_the_fallback_when_the_group_has_no_plate_number() -> None:
    group = sample()
    del group["best_plate_number"]
    assert record_from_group(group)["plate"] == "TEST123"


def test_sample_maps_to_a_read_record_without_images() -> None:
    record = record_from_group(sample())
    assert record == {
        "external_id": BEST_UUID,
        "read_at": "2020-12-31T16:55:31.402+00:00",
        "plate": "A424761",
        "state": "IN",
        "reader": CAMERA_ID,
        "confidence": pytest.approx(93.505, abs=0.001),
        "latitude": pytest.approx(40.00998, abs=1e-5),
        "longitude": pytest.approx(-86.14464, abs=1e-5),
        "direction": "257",
        "vehicle_make": "kenworth",
        "vehicle_model": "iveco daily",
        "vehicle_color": "white",
        "vehicle_type": "tractor-trailer",
        "image_ref": f"openalpr:U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N/{BEST_UUID}#plate=270,125,102,56",
    }


@pytest.mark.parametrize(
    ("region", "confidence", "state"),
    [("us-wi", 91.4, "WI"), ("us-wi", 60.0, ""), ("us", 99.0, ""), ("ca-on", 95.0, "ON"), (None, 99.0, "")],
)
def test_state_comes_from_a_confident_region_only(region: str | None, confidence: float, state: str) -> None:
    group = sample() | {"best_region": region, "best_region_confidence": confidence}
    assert record_from_group(group)["state"] == state


def test_an_agent_without_gps_sends_zeros_and_the_reader_position_is_used() -> None:
    record = record_from_group(sample() | {"gps_latitude": 0, "gps_longitude": 0})
    assert "latitude" not in record and "longitude" not in record


# --- the endpoint ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_raw_sample_with_its_bom_is_accepted(lpr_client: APIClient, agent_camera: Reader) -> None:
    raw = SAMPLE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    response = lpr_client.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 202, response.json()
    assert response.json()["accepted"] == 1 and response.json()["previews_skipped"] == 0
    (record,) = InboxBatch.objects.get(id=response.json()["batch_id"]).records
    assert record["plate"] == "A424761"
    assert "/9j/" not in json.dumps(record)  # no base64 image is kept, only the reference


@pytest.mark.django_db
def test_the_plain_ingest_endpoint_would_refuse_the_bom(lpr_client: APIClient, agent_camera: Reader) -> None:
    response = lpr_client.post("/api/v1/ingest/lpr/", data=SAMPLE.read_bytes(), content_type="application/json")
    assert response.status_code == 400  # which is why the webhook has its own parser


@pytest.mark.django_db
def test_a_list_of_groups_is_one_batch_and_previews_are_skipped(lpr_client: APIClient, agent_camera: Reader) -> None:
    second = sample() | {"best_uuid": f"{BEST_UUID[:-13]}1609433799000", "epoch_start": 1609433799000}
    preview = sample() | {"is_preview": True, "best_uuid": f"{BEST_UUID[:-13]}1609433800000"}
    response = post_json(lpr_client, [sample(), preview, second])
    assert response.status_code == 202, response.json()
    assert (response.json()["accepted"], response.json()["previews_skipped"]) == (2, 1)
    records = InboxBatch.objects.get().records
    assert [r["read_at"] for r in records] == ["2020-12-31T16:55:31.402+00:00", "2020-12-31T16:56:39.000+00:00"]


@pytest.mark.django_db
def test_only_previews_store_nothing(lpr_client: APIClient, agent_camera: Reader) -> None:
    response = post_json(lpr_client, sample() | {"is_preview": True})
    assert response.status_code == 200
    assert response.json() == {"batch_id": None, "accepted": 0, "previews_skipped": 1}
    assert not InboxBatch.objects.exists()


@pytest.mark.django_db
def test_an_unknown_camera_is_refused_by_name_and_nothing_is_stored(lpr_client: APIClient, lpr_feed: Any) -> None:
    response = post_json(lpr_client, sample())
    assert response.status_code == 400
    body = response.json()
    assert CAMERA_ID in body["error"] and "alpr_group 0" in body["error"]
    assert body["details"]["groups"][0]["errors"] == {"reader": [f"Unknown reader '{CAMERA_ID}' for this feed."]}
    assert not InboxBatch.objects.exists()
    assert Feed.objects.get(pk=lpr_feed[0].pk).rejected_records == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data_type": "alpr_alert"}, "data_type"),
        ({"epoch_start": "yesterday"}, "epoch_start"),
        ({"camera_id": None}, "camera_id"),
        ({"best_uuid": ""}, "best_uuid"),
    ],
)
def test_a_group_we_cannot_read_is_refused_naming_the_payload_field(
    lpr_client: APIClient, agent_camera: Reader, change: dict[str, Any], field: str
) -> None:
    response = post_json(lpr_client, [sample(), sample() | change])
    assert response.status_code == 400
    assert list(response.json()["details"]["groups"][0]["errors"]) == [field]
    assert response.json()["details"]["groups"][0]["index"] == 1
    assert not InboxBatch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"best_plate_number": "", "best_plate": {"plate": ""}}, "plate"),
        ({"best_plate_number": "A" * 30}, "plate"),
        ({"best_confidence": 101}, "confidence"),
        ({"gps_latitude": 95.0}, "latitude"),
    ],
)
def test_a_group_whose_read_is_invalid_is_refused_naming_group_and_field(
    lpr_client: APIClient, agent_camera: Reader, change: dict[str, Any], field: str
) -> None:
    second = sample() | {"best_uuid": f"{BEST_UUID[:-13]}1609433799000"} | change
    response = post_json(lpr_client, [sample(), second])
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"alpr_group 1: {field}:")
    assert not InboxBatch.objects.exists()


@pytest.mark.django_db
def test_malformed_json_is_a_400(lpr_client: APIClient, agent_camera: Reader) -> None:
    response = lpr_client.post(URL, data=b"\xef\xbb\xbf{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


@pytest.mark.django_db
def test_the_webhook_needs_the_key_of_an_lpr_feed(feed_client: APIClient, agent_camera: Reader) -> None:
    assert APIClient().post(URL, data=SAMPLE.read_bytes(), content_type="application/json").status_code == 401
    cad_key = feed_client.post(URL, data=SAMPLE.read_bytes(), content_type="application/json")
    assert cad_key.status_code == 403
    assert not InboxBatch.objects.exists()


# --- end to end through the real worker -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_the_sample_becomes_a_read_and_a_retry_is_stored_once(
    worker: None, lpr_client: APIClient, agent_camera: Reader
) -> None:
    agent_camera.location = Point(-86.0, 40.0, srid=4326)
    agent_camera.save()
    for attempt in ("first", "agent retry"):
        response = lpr_client.post(URL, data=SAMPLE.read_bytes(), content_type="application/json")
        assert response.status_code == 202
        done = InboxBatch.objects.filter(id=response.json()["batch_id"], status="done")
        wait_until(done.exists, what=f"{attempt} processed")

    read = Read.objects.get(feed_id=agent_camera.feed_id)  # the retry is not a second read
    assert (read.plate, read.plate_raw, read.state, read.reader_id) == ("A424761", "A424761", "IN", agent_camera.pk)
    assert read.read_at == dt.datetime(2020, 12, 31, 16, 55, 31, 402000, tzinfo=dt.UTC)
    assert read.location is not None and round(read.location.y, 4) == 40.01  # the agent's GPS, not the reader's
    assert (read.direction, read.vehicle_make, read.vehicle_type) == ("257", "kenworth", "tractor-trailer")
    assert read.image_ref.startswith(f"openalpr:U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N/{BEST_UUID}#plate=")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_group_hits_the_entry_for_its_group_plate_not_the_frame_plate(
    worker: None, lpr_client: APIClient, agent_camera: Reader, hotlist: Any
) -> None:
    group_entry, _ = entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": "A424761", "reason": "stolen"})
    entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": "TEST123", "reason": "decoy"})
    now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    live = sample() | {"epoch_start": now_ms, "best_uuid": f"{BEST_UUID[:-13]}{now_ms}"}  # seen just now
    response = lpr_client.post(URL, data=b"\xef\xbb\xbf" + json.dumps(live).encode(), content_type="application/json")
    assert response.status_code == 202
    batch_id = response.json()["batch_id"]
    wait_until(lambda: InboxBatch.objects.filter(id=batch_id, status="done").exists(), what="webhook batch processed")
    assert list(Hit.objects.values_list("entry_id", "plate")) == [(group_entry.pk, "A424761")]
