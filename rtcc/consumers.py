"""WebSocket /ws/ops/: pushes committed events of the streams the user may see."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from accounts.selectors import session_key_hash
from rtcc import realtime, selectors

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403  # codes shared with rtcc.selectors.socket_close_code and static/js/live.js


class OpsConsumer(AsyncJsonWebsocketConsumer):
    # Who may connect (accounts.roles); the streams joined are then chosen by selectors.streams_visible_to.
    capability = "ops.stream"
    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Accept first so the browser sees our close code (a refused handshake shows only 1006).
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        # Same checks as the heartbeat: session limits and the second factor apply from the start.
        # One trip to the sync thread for the check and the streams (1,000 sockets connecting at
        # once queue behind each other there).
        code, streams = await database_sync_to_async(self._connect_check)(user)
        if code is not None:
            await self.close(code=code)
            return
        self.user_id = user.pk
        self.joined = [realtime.group_for_stream(stream) for stream in streams]
        if self.session_key:
            # Revoking or ending the session closes this socket at once (rtcc.realtime.session_close_sockets).
            self.joined.append(realtime.session_group(key_hash=session_key_hash(self.session_key)))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        # Read after joining: an event committed meanwhile is either live or at most this seq.
        latest = await database_sync_to_async(selectors.latest_seq)()
        await self.send_json({"type": "hello", "latest_seq": latest, "streams": streams})
        self.heartbeat = asyncio.create_task(self._heartbeat())

    def _connect_check(self, user: Any) -> tuple[int | None, list[str]]:
        code = selectors.socket_close_code(user_id=user.pk, session_key=self.session_key)
        return (code, []) if code is not None else (None, selectors.streams_visible_to(user=user))

    async def disconnect(self, code: int) -> None:
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Commands go through the REST API; the socket only answers pings.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def session_close(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Live events are the hot path (every event to every socket): deliver them without the
        # database-connection cleanup Channels runs before each handler, which hops to the one
        # sync thread and queued deliveries behind it (bench/ws_latency.py: p50 20.7 s -> 2.3 s at
        # 200 sockets). events_deliver touches no database.
        if message.get("type") == "events.deliver":
            await self.events_deliver(message)
            return
        await super().dispatch(message)

    async def events_deliver(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["frame"])  # JSON, encoded once by rtcc.realtime.broadcast

    async def _heartbeat(self) -> None:
        # Each beat also re-checks access, so a deactivated user, a removed role or a signed-out
        # session loses the live feed within one interval, not at the next reconnect.
        while True:
            await asyncio.sleep(settings.RTCC_WS_HEARTBEAT_SECONDS)
            # One trip to the sync thread per beat: the access check and the latest seq together.
            code, latest = await database_sync_to_async(self._beat_check)()
            if code is not None:
                await self.close(code=code)
                return
            await self.send_json({"type": "heartbeat", "latest_seq": latest})

    def _beat_check(self) -> tuple[int | None, int]:
        code = selectors.socket_close_code(user_id=self.user_id, session_key=self.session_key)
        return code, (selectors.latest_seq() if code is None else 0)
