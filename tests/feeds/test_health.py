"""Feed health: counters kept by the pipeline, statuses, and the silent-feed alert (controlled time)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from feeds import services
from feeds.models import DeadLetter, Feed, InboxBatch
from feeds.selectors import feed_health
from tests.conftest import cad_record


def fresh(feed: Feed) -> Feed:
    return Feed.objects.get(pk=feed.pk)


@pytest.fixture
def feed(cad_feed: Any) -> Feed:
    return cad_feed[0]


@pytest.mark.django_db
def test_counters_follow_accepted_rejected_and_dead_lettered_records(feed: Feed, feed_client: APIClient) -> None:
    feed_client.post("/api/v1/ingest/cad/", {"records": [cad_record("H-1"), cad_record("H-2")]}, format="json")
    feed_client.post("/api/v1/ingest/cad/", {"records": [cad_record("H-3", priority=9)] * 3}, format="json")
    unknown = cad_record("H-4", call_type="NO SUCH TYPE")
    del unknown["priority"]
    batch = InboxBatch.objects.create(feed=feed, records=[cad_record("H-5"), unknown], record_count=2)
    services.inbox_batch_process(batch_id=str(batch.id))
    feed = fresh(feed)
    assert (feed.accepted_records, feed.rejected_records, feed.dead_lettered_records) == (2, 3, 1)
    assert feed.last_record_at is not None
    assert feed.newest_event_at.isoformat() == "2026-11-23T16:00:00+00:00"  # received_at of H-5


@pytest.mark.django_db
def test_statuses(feed: Feed) -> None:
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(last_record_at=now, max_silence_seconds=600)
    assert feed_health(feed=fresh(feed), now=now + timedelta(minutes=5)).status == "healthy"
    silent = feed_health(feed=fresh(feed), now=now + timedelta(minutes=11))
    assert (silent.status, silent.reason) == ("silent", "nothing for 11 min (limit 10)")

    batch = InboxBatch.objects.create(feed=feed, records=[cad_record("L-1")], record_count=1)
    InboxBatch.objects.filter(pk=batch.pk).update(received_at=now - timedelta(minutes=3))
    assert feed_health(feed=fresh(feed), now=now).status == "lagging"

    DeadLetter.objects.create(batch=batch, feed=feed, record_index=0, record={}, error="boom")
    assert feed_health(feed=fresh(feed), now=now).status == "failing"
    Feed.objects.filter(pk=feed.pk).update(enabled=False)
    assert feed_health(feed=fresh(feed), now=now).status == "disabled"


@pytest.mark.django_db
def test_feed_that_never_sent_anything_goes_silent_after_its_limit(feed: Feed) -> None:
    assert feed_health(feed=feed, now=feed.created_at + timedelta(minutes=14)).status == "healthy"
    assert feed_health(feed=feed, now=feed.created_at + timedelta(minutes=16)).status == "silent"


@pytest.mark.django_db
def test_silent_feed_raises_one_alert_and_resuming_clears_it(
    feed: Feed, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(last_record_at=start, max_silence_seconds=300)
    assert services.feeds_health_check(now=start + timedelta(minutes=4)) == {"checked": 1, "silent": 0, "resolved": 0}
    assert Alert.objects.count() == 0

    services.feeds_health_check(now=start + timedelta(minutes=6))
    services.feeds_health_check(now=start + timedelta(minutes=7))
    alert = Alert.objects.get()
    assert (alert.type, alert.status, alert.priority) == ("feed_silent", "new", 2)
    assert alert.title == "Feed Test CAD is silent"
    assert "No record for 7 min (limit 5 min)" in alert.detail

    # Records resume: the next check (clock back to "now" relative to the new record) clears it.
    services.inbox_batch_accept(feed=feed, records=[cad_record("BACK-1")])
    result = services.feeds_health_check(now=timezone.now() + timedelta(seconds=5))
    assert result["resolved"] == 1
    alert.refresh_from_db()
    assert (alert.status, alert.resolution_note) == ("resolved", "Records resumed")

    # Silent again later: the same alert comes back rather than a second one piling up.
    services.feeds_health_check(now=timezone.now() + timedelta(minutes=10))
    assert Alert.objects.get().status == "new"


@pytest.mark.django_db
def test_health_api_and_page_show_every_feed(analyst: Any, feed: Feed) -> None:
    api = APIClient()
    api.force_login(analyst)
    (row,) = api.get("/api/v1/feeds/health/").json()
    assert (row["name"], row["kind"], row["status"]) == ("Test CAD", "cad", "healthy")
    assert "key_hash" not in row and "key_prefix" not in row
    page = Client()
    page.force_login(analyst)
    html = page.get("/feeds/health/").content.decode()
    assert 'data-status="healthy"' in html and "Test CAD" in html


@pytest.mark.django_db(transaction=True)
def test_health_check_alert_is_broadcast_after_commit(feed: Feed) -> None:
    from rtcc.models import OutboxEvent

    Feed.objects.filter(pk=feed.pk).update(last_record_at=timezone.now() - timedelta(hours=1))
    services.feeds_health_check()
    assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["alert.raised"]
