"""Matching reads against hotlists: exact, state, OCR-confusable, effective window, retroactive once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lpr.models import Hit
from lpr.services.hotlists import entries_expire, entry_create, entry_match_retroactively
from lpr.services.reads import reads_insert_and_match

pytestmark = pytest.mark.django_db


def read(plate: str, *, state: str = "WI", minutes_ago: float = 1, external_id: str | None = None) -> dict[str, Any]:
    return {
        "external_id": external_id or f"r-{plate}-{minutes_ago}",
        "read_at": timezone.now() - timedelta(minutes=minutes_ago),
        "plate_raw": plate,
        "plate": plate,
        "state": state,
        "confidence": 90.0,
        "latitude": None,
        "longitude": None,
        "reader": "pole-17",
    }


def ingest(feed: Any, *reads: dict[str, Any]) -> Any:
    with transaction.atomic():
        return reads_insert_and_match(feed=feed, reads=list(reads))


def add_entry(hotlist: Any, plate: str, **fields: Any) -> Any:
    entry, _ = entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": plate, "reason": "stolen", **fields})
    return entry


def test_exact_plate_and_state_is_a_hit_at_the_lists_priority(lpr_feed, reader, hotlist) -> None:
    add_entry(hotlist, "ABC1234", state="WI")
    outcome = ingest(lpr_feed[0], read("ABC1234"))
    (hit,) = outcome.hits
    assert (hit.kind, hit.priority, hit.status, hit.plate) == ("exact", 1, "unverified", "ABC1234")
    assert hit.location is not None  # the fixed reader's position


def test_state_mismatch_is_not_a_hit_but_a_missing_state_is(lpr_feed, reader, hotlist) -> None:
    add_entry(hotlist, "ABC1234", state="IL")
    assert ingest(lpr_feed[0], read("ABC1234", state="WI")).hits == []
    assert len(ingest(lpr_feed[0], read("ABC1234", state="", minutes_ago=2)).hits) == 1


def test_confusable_characters_make_a_possible_hit_one_priority_lower(lpr_feed, reader, hotlist) -> None:
    add_entry(hotlist, "ABC1O8S")
    (hit,) = ingest(lpr_feed[0], read("A8CI085")).hits
    assert (hit.kind, hit.priority) == ("possible", 2)
    assert ingest(lpr_feed[0], read("XYZ9999", minutes_ago=3)).hits == []


def test_expired_and_not_yet_effective_entries_are_ignored(lpr_feed, reader, hotlist) -> None:
    now = timezone.now()
    add_entry(hotlist, "OLD1234", effective_from=now - timedelta(days=10), expires_at=now - timedelta(hours=1))
    add_entry(hotlist, "NEW1234", effective_from=now + timedelta(hours=1))
    assert ingest(lpr_feed[0], read("OLD1234"), read("NEW1234")).hits == []


def test_expired_entries_are_deactivated_by_the_beat_job_with_history(hotlist) -> None:
    entry = add_entry(hotlist, "OLD1234", expires_at=timezone.now() - timedelta(minutes=1))
    assert entries_expire() == 1 and entries_expire() == 0
    entry.refresh_from_db()
    assert entry.active is False
    assert list(entry.changes.values_list("action", flat=True)) == ["create", "expire"]


def test_duplicate_reads_are_ignored(lpr_feed, reader, hotlist) -> None:
    add_entry(hotlist, "ABC1234")
    first = ingest(lpr_feed[0], read("ABC1234", external_id="same"))
    again = ingest(lpr_feed[0], {**read("ABC1234", external_id="same"), "read_at": first.hits[0].read_at})
    assert (first.inserted, again.inserted, again.duplicates) == (1, 0, 1)
    assert Hit.objects.count() == 1


def test_a_new_entry_finds_earlier_reads_once(lpr_feed, reader, hotlist, settings) -> None:
    settings.RTCC_LPR_RETROACTIVE_DAYS = 7
    ingest(lpr_feed[0], read("ABC1234", minutes_ago=60 * 24 * 2), read("ABC1234", minutes_ago=60 * 24 * 9))
    entry, hits = entry_create(user=None, hotlist_id=hotlist.pk, data={"plate": "abc-1234", "reason": "stolen"})
    assert len(hits) == 1 and hits[0].retroactive is True  # the 9-day-old read is outside the window
    assert entry_match_retroactively(entry=entry) == []
    assert Hit.objects.count() == 1


def test_unknown_readers_are_reported_not_written(lpr_feed, reader) -> None:
    outcome = ingest(lpr_feed[0], {**read("ABC1234"), "reader": "nope"})
    assert outcome.inserted == 0 and [r["reader"] for r in outcome.unknown_reader] == ["nope"]


def test_reads_older_than_the_retroactive_window_are_stored_but_never_hit(lpr_feed, reader, hotlist, settings) -> None:
    settings.RTCC_LPR_RETROACTIVE_DAYS = 7
    add_entry(hotlist, "ABC1234")
    outcome = ingest(lpr_feed[0], read("ABC1234", minutes_ago=60 * 24 * 30), read("ABC1234", minutes_ago=5))
    assert outcome.inserted == 2
    assert [hit.read_at > timezone.now() - timedelta(days=1) for hit in outcome.hits] == [True]
