"""Admin alerts (camera offline, MOU expiring) travel on the "admin" stream only admins receive."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import Client

from alerts.choices import AlertAudience, AlertType
from alerts.services import alert_raise_or_update
from tests.rtcc.test_consumers import connect, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def raise_admin_alert() -> None:
    with transaction.atomic():
        alert_raise_or_update(
            type=AlertType.CAMERA_OFFLINE,
            source_key="camera:1",
            priority=3,
            title="Camera offline: test",
            audience=AlertAudience.ADMIN,
        )


async def test_only_admins_receive_admin_alerts_live(analyst: Any, admin_user: Any) -> None:
    admin_socket = await connect(await sync_to_async(session_cookie)(admin_user))
    analyst_socket = await connect(await sync_to_async(session_cookie)(analyst))
    assert (await admin_socket.receive_json_from(timeout=5))["streams"][:2] == ["ops", "admin"]
    assert "admin" not in (await analyst_socket.receive_json_from(timeout=5))["streams"]
    await sync_to_async(raise_admin_alert)()
    message = await admin_socket.receive_json_from(timeout=5)
    assert [event["type"] for event in message["events"]] == ["alert.raised"]
    assert await analyst_socket.receive_nothing(timeout=1.0)
    await admin_socket.disconnect()
    await analyst_socket.disconnect()


def test_catch_up_and_alert_list_leave_admin_alerts_out_for_analysts(analyst: Any, admin_user: Any) -> None:
    raise_admin_alert()

    def read(user: Any) -> tuple[list[str], list[str]]:
        client = Client()
        client.force_login(user)
        events = [event["type"] for event in client.get("/api/v1/events/?after=0").json()["events"]]
        alerts = [alert["type"] for alert in client.get("/api/v1/alerts/").json()["results"]]
        return events, alerts

    assert read(admin_user) == (["alert.raised"], [AlertType.CAMERA_OFFLINE])
    assert read(analyst) == ([], [])
