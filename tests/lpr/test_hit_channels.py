"""Hits over /ws/ops/ through the real ASGI stack and the Redis channel layer: an unverified hit reaches only
its hotlist's distribution; a confirmed one reaches everyone; a rejected one never reaches the ops stream."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from lpr.models import Hit, Hotlist
from lpr.services.hits import hit_confirm, hit_reject
from tests.lpr.test_hits_api import add_entry, raise_hits, read
from tests.rtcc.test_consumers import connect, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def listen(user: Any) -> WebsocketCommunicator:
    communicator = await connect(await sync_to_async(session_cookie)(user))
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    return communicator


async def next_events(communicator: WebsocketCommunicator) -> list[tuple[str, int, str]]:
    """The next lpr.* events; the hit's alert.* events (same streams, tests/alerts) are skipped."""
    while True:
        message = await communicator.receive_json_from(timeout=5)
        assert message["type"] == "events"
        events = [e for e in message["events"] if not e["type"].startswith("alert.")]
        if events:
            return [(event["type"], event["payload"]["id"], event["payload"]["status"]) for event in events]


def raise_hit(feed: Any, hotlist: Hotlist, plate: str) -> Hit:
    add_entry(hotlist, plate)
    (hit,) = raise_hits(feed, read(plate))
    return hit


async def test_confirmed_hit_reaches_everyone_after_only_the_distribution_saw_it_unverified(
    lpr_feed, reader, hotlist, analyst, supervisor
) -> None:
    in_distribution = await listen(analyst)
    outside = await listen(supervisor)

    hit = await sync_to_async(raise_hit)(lpr_feed[0], hotlist, "ABC1234")
    raised = await in_distribution.receive_json_from(timeout=5)
    (event,) = raised["events"]
    assert (event["type"], event["payload"]["id"], event["payload"]["status"]) == (
        "lpr.hit.raised",
        hit.pk,
        "unverified",
    )
    assert event["payload"]["sound"] is True  # a P1 list: the recipients' screens sound an alarm
    assert await outside.receive_nothing(timeout=1.0)

    await sync_to_async(hit_confirm)(user=analyst, hit_id=hit.pk)
    assert await next_events(outside) == [("lpr.hit.actionable", hit.pk, "actionable")]
    received = await next_events(in_distribution) + await next_events(in_distribution)
    assert sorted(received) == [("lpr.hit.actionable", hit.pk, "actionable"), ("lpr.hit.updated", hit.pk, "actionable")]
    assert await outside.receive_nothing(timeout=0.5)
    await in_distribution.disconnect()
    await outside.disconnect()


async def test_rejected_hit_is_never_broadcast_to_the_ops_stream(
    lpr_feed, reader, hotlist, analyst, supervisor, admin_user
) -> None:
    in_distribution = await listen(analyst)
    outsiders = [await listen(supervisor), await listen(admin_user)]

    hit = await sync_to_async(raise_hit)(lpr_feed[0], hotlist, "XYZ9876")
    assert await next_events(in_distribution) == [("lpr.hit.raised", hit.pk, "unverified")]
    await sync_to_async(hit_reject)(user=analyst, hit_id=hit.pk, reason="misread")
    assert await next_events(in_distribution) == [("lpr.hit.updated", hit.pk, "rejected")]
    for communicator in outsiders:
        assert await communicator.receive_nothing(timeout=1.0)
        await communicator.disconnect()
    await in_distribution.disconnect()


async def test_a_list_naming_supervisors_and_one_analyst_reaches_only_them(
    lpr_feed, reader, hotlist, analyst, supervisor, make_user
) -> None:
    from accounts.roles import Role

    named = await sync_to_async(make_user)("ana-named", Role.ANALYST)

    def name_distribution() -> None:
        hotlist.distribution_roles = [Role.SUPERVISOR]
        hotlist.save()
        hotlist.distribution_users.add(named)

    await sync_to_async(name_distribution)()
    recipients = [await listen(supervisor), await listen(named)]
    other_analyst = await listen(analyst)
    hit = await sync_to_async(raise_hit)(lpr_feed[0], hotlist, "ABC1234")
    for communicator in recipients:
        assert await next_events(communicator) == [("lpr.hit.raised", hit.pk, "unverified")]
        await communicator.disconnect()
    assert await other_analyst.receive_nothing(timeout=1.0)
    await other_analyst.disconnect()
