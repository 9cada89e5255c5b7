"""The only module that talks to the Channels layer.

Channels delivers at most once; clients close gaps through GET /api/v1/events/?after=<seq>,
so a failed broadcast is logged, never raised into the request that caused it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, cast

import orjson
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

logger = logging.getLogger(__name__)

STREAMS = ("ops", "admin")


_PERSONAL = re.compile(r"^(role\.[a-z_]+|user\.\d+)$")


def role_stream(role: str) -> str:
    return f"role.{role}"


def user_stream(user_id: int) -> str:
    return f"user.{user_id}"


def group_for_stream(stream: str) -> str:
    """Channels group name for an audience stream (who may join is decided by rtcc.selectors)."""
    if stream not in STREAMS and not _PERSONAL.match(stream):
        raise ValueError(f"unknown stream {stream!r}")
    return f"stream.{stream}"


_publishers: dict[str, redis.Redis] = {}  # by Redis address


def _group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    """`layer.group_send` from sync code.

    With the pub/sub layer on one Redis host this is what its group_send does (channels-redis 4.3:
    one PUBLISH of the serialised message on `<prefix>__group__<group>`), on a connection kept for
    the process; `async_to_sync` would start an event loop and open a Redis connection per call,
    which made a broadcast cost ~2 ms and capped a producer near 30 events/s (bench/ws_fanout.py).
    tests/rtcc/test_realtime.py checks the layer's own subscribers receive it.
    """
    config: dict[str, Any] = cast(dict[str, Any], settings.CHANNEL_LAYERS["default"]).get("CONFIG", {})
    hosts = config.get("hosts", [])
    if isinstance(layer, RedisPubSubChannelLayer) and len(hosts) == 1 and isinstance(hosts[0], dict):
        address = hosts[0]["address"]
        if address not in _publishers:  # redis-py reconnects after a fork (its pool checks the pid)
            _publishers[address] = redis.Redis.from_url(address, socket_timeout=5, socket_connect_timeout=3)
        _publishers[address].publish(f"{config.get('prefix', 'asgi')}__group__{group}", layer.serialize(message))
        return
    async_to_sync(layer.group_send)(group, message)


def broadcast(*, stream: str, messages: Sequence[dict[str, Any]]) -> None:
    """Send committed events to every socket in the stream's group."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    group = group_for_stream(stream)
    try:
        # The frame every socket sends, encoded once here rather than once per socket.
        frame = orjson.dumps({"type": "events", "events": list(messages)}).decode()
        _group_send(layer, group, {"type": "events.deliver", "frame": frame})
    except Exception:
        # Broadcast is best effort by design; the outbox row is the source of truth.
        logger.exception("broadcast to %s failed; clients will catch up from the outbox", group)


def session_group(*, key_hash: str) -> str:
    """Channels group of the sockets opened by one sign-in session (named by the key's SHA-256)."""
    if not re.fullmatch(r"[0-9a-f]{64}", key_hash):
        raise ValueError("session groups are named by a SHA-256 hex digest, never by a raw key")
    return f"session.{key_hash}"


def session_close_sockets(*, key_hash: str) -> None:
    """Tell every socket of a revoked or expired session to close with 4401 (best effort, logged)."""
    layer = get_channel_layer()
    if layer is None:
        return
    group = session_group(key_hash=key_hash)
    try:
        _group_send(layer, group, {"type": "session.close"})
    except Exception:
        # The heartbeat re-check closes the socket within one interval anyway.
        logger.exception("closing the sockets of %s failed; the heartbeat will close them", group)
