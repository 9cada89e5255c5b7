"""/ws/ops/ through the real ASGI stack (origin check, session auth) and the Redis channel layer."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from incidents.services import incidents_upsert
from rtcc.asgi import application
from tests.conftest import cad_record

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(cookie: bytes | None = None, origin: bytes = b"http://127.0.0.1:8000") -> WebsocketCommunicator:
    headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/ops/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def upsert(external_id: str, *, fail: bool = False) -> None:
    with transaction.atomic():
        incidents_upsert(source="test-cad", items=[_item(external_id)])
        if fail:
            raise RuntimeError("rolled back")


def _item(external_id: str) -> dict[str, Any]:
    from datetime import UTC, datetime

    record = cad_record(external_id)
    return {
        "external_id": external_id,
        "call_type": record["call_type"],
        "priority": 1,
        "received_at": datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        "address": record["address"],
    }


async def test_analyst_receives_incident_events(analyst: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello" and hello["streams"] == ["ops", "role.analyst", f"user.{analyst.pk}"]
    await sync_to_async(upsert)("WS-1")
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "events"
    (event,) = message["events"]
    assert event["type"] == "incident.created"
    assert event["payload"]["external_id"] == "WS-1"
    assert event["seq"] > hello["latest_seq"]
    await communicator.disconnect()


@pytest.fixture(params=["supervisor", "admin"])
def other_staff(request: pytest.FixtureRequest, make_user: Any) -> Any:
    from accounts.roles import Role

    return make_user(f"staff-{request.param}", Role(request.param))


async def test_other_staff_roles_receive_events(other_staff: Any) -> None:
    user = other_staff
    communicator = await connect(await sync_to_async(session_cookie)(user))
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    await communicator.disconnect()


async def test_rolled_back_transaction_sends_nothing(analyst: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)
    with pytest.raises(RuntimeError):
        await sync_to_async(upsert)("WS-ROLLBACK", fail=True)
    assert await communicator.receive_nothing(timeout=1.0)
    await sync_to_async(upsert)("WS-COMMITTED")
    message = await communicator.receive_json_from(timeout=5)
    assert [e["payload"]["external_id"] for e in message["events"]] == ["WS-COMMITTED"]
    await communicator.disconnect()


async def test_anonymous_is_closed_with_4401(db: None) -> None:
    communicator = await connect()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_user_without_a_role_is_closed_with_4403(norole_user: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(norole_user))
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_inactive_user_is_treated_as_anonymous(analyst: Any) -> None:
    cookie = await sync_to_async(session_cookie)(analyst)
    analyst.is_active = False
    await sync_to_async(analyst.save)()
    communicator = await connect(cookie)
    output = await communicator.receive_output(timeout=5)
    assert output["type"] == "websocket.close" and output["code"] in (4401, 4403)


async def test_foreign_origin_is_refused(analyst: Any) -> None:
    headers = [(b"origin", b"http://evil.example"), (b"cookie", await sync_to_async(session_cookie)(analyst))]
    communicator = WebsocketCommunicator(application, "/ws/ops/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected


async def test_ping_is_answered_and_commands_are_not_accepted(analyst: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.send_json_to({"type": "incident.close", "id": 1})
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_heartbeat_carries_the_latest_seq(analyst: Any, settings: Any) -> None:
    settings.RTCC_WS_HEARTBEAT_SECONDS = 0.2
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)
    await sync_to_async(upsert)("HB-1")
    events = await communicator.receive_json_from(timeout=5)
    beat = await communicator.receive_json_from(timeout=5)
    assert beat == {"type": "heartbeat", "latest_seq": events["events"][0]["seq"]}
    await communicator.disconnect()


async def test_removing_the_role_closes_an_open_socket_with_4403(analyst: Any, settings: Any) -> None:
    settings.RTCC_WS_HEARTBEAT_SECONDS = 0.2
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)
    await sync_to_async(analyst.groups.clear)()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_signing_out_closes_an_open_socket_with_4401(analyst: Any, settings: Any) -> None:
    from django.contrib.sessions.models import Session

    settings.RTCC_WS_HEARTBEAT_SECONDS = 0.2
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    await communicator.receive_json_from(timeout=5)
    await sync_to_async(lambda: Session.objects.all().delete())()
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_an_idle_socket_survives_the_channel_layers_blocking_read(analyst: Any, settings: Any) -> None:
    # channels-redis waits 5 s per blocking read; a socket read timeout of 5 s (redis-py 8's
    # default) made idle consumers crash with TimeoutError. Stay idle across two such reads.
    settings.RTCC_WS_HEARTBEAT_SECONDS = 60
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    assert await communicator.receive_nothing(timeout=11)
    await sync_to_async(upsert)("WS-AFTER-IDLE")
    message = await communicator.receive_json_from(timeout=5)
    assert [e["payload"]["external_id"] for e in message["events"]] == ["WS-AFTER-IDLE"]
    await communicator.disconnect()
