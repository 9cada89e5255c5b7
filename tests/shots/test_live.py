"""Shots-fired create → update arrives live over /ws/ops/ (real Channels layer on Redis)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from feeds import services as feed_services
from shots.ingest import shots_records_process
from tests.rtcc.test_consumers import connect, session_cookie
from tests.shots.test_services import shot_record

pytestmark = pytest.mark.django_db(transaction=True)


def process(records: list[dict[str, Any]]) -> None:
    from feeds.models import Feed

    feed = (
        Feed.objects.filter(slug="sensors").first()
        or feed_services.feed_create(name="Sensors", kind="shots", slug="sensors")[0]
    )
    with transaction.atomic():
        shots_records_process(feed=feed, records=records)


async def receive_events(communicator: Any, count: int) -> list[dict[str, Any]]:
    """Events arrive in one message per write (detection, incident, alert): gather `count` of them."""
    events: list[dict[str, Any]] = []
    while len(events) < count:
        events += (await communicator.receive_json_from(timeout=5))["events"]
    return sorted(events, key=lambda event: event["seq"])


async def test_detection_and_its_review_reach_the_analyst_live(analyst: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)

    await sync_to_async(process)([shot_record("LIVE-1")])
    created = await receive_events(communicator, 3)
    assert [e["type"] for e in created] == ["incident.created", "shots.created", "alert.raised"]
    assert created[1]["payload"]["rounds"] == 3
    assert created[2]["payload"]["priority"] == 1

    await sync_to_async(process)([shot_record("LIVE-1", rounds=4, review_status="not_gunfire")])
    updated = await receive_events(communicator, 3)
    by_type = {e["type"]: e["payload"] for e in updated}
    assert by_type["shots.updated"]["review_status"] == "not_gunfire"
    assert by_type["shots.updated"]["rounds"] == 4
    assert by_type["incident.updated"]["status"] == "cancelled"
    assert by_type["alert.updated"]["status"] == "resolved"
    await communicator.disconnect()
