"""POST /api/v1/ingest/lpr/: bad input is a 400 naming record and field with nothing stored; good batches
reach lpr_read through the real worker; historical reads come in from CSV through the mapping mechanism."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from feeds.models import Feed, InboxBatch
from lpr.models import Read, Reader
from lpr.partitions import existing_partitions
from tests.conftest import wait_until

URL = "/api/v1/ingest/lpr/"
FIXTURES = Path(__file__).parent / "fixtures"
READS_MAPPING = Path(settings.BASE_DIR) / "feeds" / "mappings" / "lpr_reads_generic.json"


def read(number: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "external_id": f"r-{number}",
        "read_at": (timezone.now() - dt.timedelta(minutes=number + 1)).isoformat(),
        "plate": "ABC1234",
        "state": "WI",
        "confidence": 90.0,
        "reader": "pole-17",
    }
    return record | overrides


def assert_refused_and_nothing_stored(response: Any, feed: Feed, *, sent: int) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    assert "nothing was accepted" in response.json()["error"] or "at most" in response.json()["error"]
    assert not InboxBatch.objects.exists()
    assert Feed.objects.get(pk=feed.pk).rejected_records == sent
    return response.json()


@pytest.mark.django_db
def test_more_reads_than_the_limit_are_refused(lpr_client: APIClient, lpr_feed: Any, reader: Reader) -> None:
    limit = settings.RTCC_LPR_INGEST_MAX_RECORDS
    assert limit == 10_000
    records = [read(n) for n in range(limit + 1)]
    response = lpr_client.post(URL, {"records": records}, format="json")
    body = assert_refused_and_nothing_stored(response, lpr_feed[0], sent=limit + 1)
    assert body["error"] == f"records: at most {limit} records per batch, got {limit + 1}."


@pytest.mark.django_db
def test_exactly_the_limit_is_accepted(lpr_client: APIClient, reader: Reader) -> None:
    limit = settings.RTCC_LPR_INGEST_MAX_RECORDS
    response = lpr_client.post(URL, {"records": [read(n) for n in range(limit)]}, format="json")
    assert response.status_code == 202
    assert InboxBatch.objects.get().record_count == limit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("plate", "", "Plate is empty."),
        ("plate", "A" * 30, "Plate longer than 16 characters."),
        ("plate", "AB\x00C", "Plate contains control characters."),
        ("confidence", -1, "Must be between 0 and 100."),
        ("confidence", 101, "Must be between 0 and 100."),
    ],
)
def test_a_bad_field_is_named_with_its_record_and_nothing_is_stored(
    lpr_client: APIClient, lpr_feed: Any, reader: Reader, field: str, value: Any, message: str
) -> None:
    records = [read(0), read(1, **{field: value}), read(2)]
    response = lpr_client.post(URL, {"records": records}, format="json")
    body = assert_refused_and_nothing_stored(response, lpr_feed[0], sent=3)
    assert f"record 1, field(s) {field}" in body["error"]
    assert body["details"]["records"] == [{"index": 1, "external_id": "r-1", "errors": {field: [message]}}]


@pytest.mark.django_db
def test_an_unknown_reader_is_named_and_nothing_is_stored(lpr_client: APIClient, lpr_feed: Any, reader: Reader) -> None:
    records = [read(0), read(1, reader="pole-99")]
    response = lpr_client.post(URL, {"records": records}, format="json")
    body = assert_refused_and_nothing_stored(response, lpr_feed[0], sent=2)
    assert body["details"]["records"] == [
        {"index": 1, "external_id": "r-1", "errors": {"reader": ["Unknown reader 'pole-99' for this feed."]}}
    ]


@pytest.mark.django_db
def test_a_reader_of_another_feed_is_unknown_here(lpr_client: APIClient, lpr_feed: Any, reader: Reader) -> None:
    from feeds.services import feed_create

    other, _ = feed_create(name="Other LPR", kind="lpr")
    Reader.objects.create(name="Elsewhere", feed=other, external_id="pole-42")
    response = lpr_client.post(URL, {"records": [read(0, reader="pole-42")]}, format="json")
    assert_refused_and_nothing_stored(response, lpr_feed[0], sent=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_valid_batch_reaches_lpr_read_and_a_repeat_is_ignored(
    worker: None, lpr_client: APIClient, lpr_feed: Any, reader: Reader
) -> None:
    records = [read(n, plate=f"ABC{n:04d}") for n in range(50)]
    first = lpr_client.post(URL, {"records": records}, format="json")
    assert first.status_code == 202 and first.json()["accepted"] == 50
    wait_until(lambda: InboxBatch.objects.filter(id=first.json()["batch_id"], status="done").exists(), what="batch")
    stored = Read.objects.filter(feed_id=lpr_feed[0].pk)
    assert stored.count() == 50
    assert set(stored.values_list("reader_id", flat=True)) == {reader.pk}
    assert stored.get(external_id="r-7").plate == "ABC0007"

    again = lpr_client.post(URL, {"records": records}, format="json")
    assert again.status_code == 202
    wait_until(lambda: InboxBatch.objects.filter(id=again.json()["batch_id"], status="done").exists(), what="repeat")
    assert stored.count() == 50
    assert InboxBatch.objects.get(id=again.json()["batch_id"]).dead_letter_count == 0


# --- historical reads from CSV (feeds/mappings/lpr_reads_generic.json) --------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_historical_reads_are_imported_through_the_generic_mapping(
    worker: None, lpr_feed: Any, reader: Reader, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "import_records", "lpr", str(FIXTURES / "historical_reads.csv"), "--feed", "test-lpr", "--mapping",
        str(READS_MAPPING),
    )  # fmt: skip
    output = capsys.readouterr().out
    # Three reads; H-2 has coordinates (accepted), the others take the reader's position (flagged "missing").
    assert "rows 5: accepted 1, flagged 2 (missing coordinates 2, out of area 0), rejected 2" in output
    assert "line 5: plate: Plate is empty." in output
    assert "line 6: confidence: Must be between 0 and 100." in output

    wait_until(lambda: not InboxBatch.objects.exclude(status="done").exists(), what="import batch processed")
    reads = {r.external_id: r for r in Read.objects.filter(feed_id=lpr_feed[0].pk)}
    assert sorted(reads) == ["H-1", "H-2", "H-3"]
    assert reads["H-1"].read_at == dt.datetime(2019, 3, 1, 14, 15, 2, tzinfo=dt.UTC)
    assert (reads["H-1"].plate, reads["H-1"].state, reads["H-1"].vehicle_model) == ("ABC1234", "WI", "Camry")
    assert reads["H-2"].read_at == dt.datetime(2019, 3, 2, 23, 40, 11, tzinfo=dt.UTC)  # no offset: agency time
    assert reads["H-2"].location.y == pytest.approx(43.05)
    assert reads["H-1"].location == reader.location  # no coordinates: the reader's position
    assert reads["H-3"].read_at == dt.datetime(2021, 7, 4, 12, tzinfo=dt.UTC)
    days = existing_partitions()
    assert {dt.date(2019, 3, 1), dt.date(2019, 3, 2), dt.date(2021, 7, 4)} <= set(days)  # made on demand

    call_command(
        "import_records", "lpr", str(FIXTURES / "historical_reads.csv"), "--feed", "test-lpr", "--mapping",
        str(READS_MAPPING),
    )  # fmt: skip
    wait_until(lambda: not InboxBatch.objects.exclude(status="done").exists(), what="second import processed")
    assert Read.objects.filter(feed_id=lpr_feed[0].pk).count() == 3  # importing twice stores each read once
