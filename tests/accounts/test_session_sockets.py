"""Open WebSockets of a session end with it: revocation closes them at once (real uvicorn, real client),
and the heartbeat re-check applies the idle limit and the second factor."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from accounts.models import UserSession
from accounts.selectors import SEEN_AT
from accounts.session_services import user_session_revoke, user_sessions_revoke_all
from rtcc.asgi import application
from tests.conftest import start_uvicorn, stop_process

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[str]:
    # A heartbeat far longer than the test: only the revocation message can close the socket.
    process, base = start_uvicorn("uvicorn-session-sockets", env={"RTCC_WS_HEARTBEAT_SECONDS": "600"})
    yield base
    stop_process(process)


def session_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sockets() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def open_socket(stack: ExitStack, base: str, client: Client) -> Any:
    socket = stack.enter_context(
        connect(
            base.replace("http://", "ws://") + "/ws/ops/",
            origin=base,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
            proxy=None,
        )
    )
    assert json.loads(socket.recv(timeout=10))["type"] == "hello"
    return socket


def close_code(socket: Any) -> int | None:
    try:
        while True:
            socket.recv(timeout=20)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


def test_revoking_a_session_closes_its_socket_with_4401(server: str, sockets: ExitStack, analyst: Any) -> None:
    revoked, kept = session_of(analyst), session_of(analyst)
    revoked_socket, kept_socket = open_socket(sockets, server, revoked), open_socket(sockets, server, kept)
    row = UserSession.objects.get(key_hash__in=[_hash(revoked)])
    user_session_revoke(actor=analyst, user=analyst, session_id=row.pk)
    assert close_code(revoked_socket) == 4401
    # The other session's socket is untouched: it still answers a ping.
    kept_socket.send(json.dumps({"type": "ping"}))
    assert json.loads(kept_socket.recv(timeout=10)) == {"type": "pong"}


def test_admin_revoking_all_sessions_closes_every_socket(
    server: str, sockets: ExitStack, analyst: Any, admin_user: Any
) -> None:
    opened = [open_socket(sockets, server, session_of(analyst)) for _ in range(2)]
    assert user_sessions_revoke_all(actor=admin_user, user=analyst) == 2
    assert [close_code(socket) for socket in opened] == [4401, 4401]


def _hash(client: Client) -> str:
    from accounts.selectors import session_key_hash

    return session_key_hash(client.session.session_key)


async def _communicator(cookie: str) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"), (b"cookie", cookie.encode())]
    communicator = WebsocketCommunicator(application, "/ws/ops/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_heartbeat_closes_an_idle_session_socket(analyst: Any, settings: Any) -> None:
    settings.RTCC_WS_HEARTBEAT_SECONDS = 0.2
    client = await sync_to_async(session_of)(analyst)
    key = client.cookies["sessionid"].value
    communicator = await _communicator(f"sessionid={key}")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"

    def age_session() -> None:
        store = SessionStore(key)
        store[SEEN_AT] = time.time() - 31 * 60
        store.save()

    await sync_to_async(age_session)()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


@pytest.mark.mfa
async def test_an_unverified_session_gets_no_socket(analyst: Any) -> None:
    client = await sync_to_async(session_of)(analyst)
    communicator = await _communicator(f"sessionid={client.cookies['sessionid'].value}")
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


@pytest.mark.mfa
async def test_a_verified_session_gets_its_socket(analyst: Any) -> None:
    from tests.accounts.helpers import login_verified

    client = Client()
    await sync_to_async(login_verified)(client, analyst)
    communicator = await _communicator(f"sessionid={client.cookies['sessionid'].value}")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    await communicator.disconnect()
