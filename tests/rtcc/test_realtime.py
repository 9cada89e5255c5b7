"""rtcc.realtime publishes on the pub/sub channel layer itself (one PUBLISH on a kept connection):
what it sends must be what the layer's own group members receive, through the real Redis."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer

from rtcc import realtime


async def received(channel: str, send: Any) -> dict[str, Any]:
    """Send until the layer hands the channel a message: a SUBSCRIBE on one connection and a
    PUBLISH on another are not ordered, so the first send may come before the subscription."""
    layer = get_channel_layer()
    waiting = asyncio.ensure_future(layer.receive(channel))
    for _ in range(50):
        await sync_to_async(send)()
        done, _pending = await asyncio.wait({waiting}, timeout=0.1)
        if done:
            return waiting.result()
    waiting.cancel()
    raise AssertionError("the layer's group member received nothing in 5 s")


async def test_the_default_layer_is_pub_sub() -> None:
    assert isinstance(get_channel_layer(), RedisPubSubChannelLayer)


async def test_a_broadcast_reaches_the_members_of_the_streams_group() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.group_for_stream("ops"), channel)
    events = [{"seq": 7, "type": "shots.created", "payload": {"address": "100 N MAIN ST", "rounds": 3}, "at": "now"}]
    try:
        message = await received(channel, lambda: realtime.broadcast(stream="ops", messages=events))
    finally:
        await layer.group_discard(realtime.group_for_stream("ops"), channel)
    assert message["type"] == "events.deliver"
    assert json.loads(message["frame"]) == {"type": "events", "events": events}


async def test_other_streams_do_not_receive_it() -> None:
    layer = get_channel_layer()
    admin, ops = await layer.new_channel(), await layer.new_channel()
    await layer.group_add(realtime.group_for_stream("admin"), admin)
    await layer.group_add(realtime.group_for_stream("ops"), ops)
    events = [{"seq": 8, "type": "incident.created", "payload": {}, "at": "now"}]
    try:
        await received(ops, lambda: realtime.broadcast(stream="ops", messages=events))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(admin), 0.3)
    finally:
        await layer.group_discard(realtime.group_for_stream("admin"), admin)
        await layer.group_discard(realtime.group_for_stream("ops"), ops)


async def test_closing_a_sessions_sockets_goes_through_the_same_path() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    key_hash = "ab" * 32
    await layer.group_add(realtime.session_group(key_hash=key_hash), channel)
    try:
        message = await received(channel, lambda: realtime.session_close_sockets(key_hash=key_hash))
    finally:
        await layer.group_discard(realtime.session_group(key_hash=key_hash), channel)
    assert message == {"type": "session.close"}
