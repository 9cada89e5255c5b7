"""Catch-up: events missed while disconnected come back from GET /api/v1/events/?after=<seq>."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from rest_framework.test import APIClient

from incidents.services import incidents_upsert
from tests.rtcc.test_consumers import connect, session_cookie


def upsert(*external_ids: str, status: str = "received") -> None:
    items: list[Any] = [
        {
            "external_id": external_id,
            "call_type": "FIGHT",
            "priority": 2,
            "status": status,
            "received_at": datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        }
        for external_id in external_ids
    ]
    with transaction.atomic():
        incidents_upsert(source="test-cad", items=items)


@pytest.fixture
def analyst_client(analyst: Any) -> APIClient:
    client = APIClient()
    client.force_login(analyst)
    return client


@pytest.mark.django_db(transaction=True)
async def test_events_missed_while_disconnected_are_returned_in_order(analyst: Any) -> None:
    communicator = await connect(await sync_to_async(session_cookie)(analyst))
    hello = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()

    await sync_to_async(upsert)("R-1", "R-2")
    await sync_to_async(upsert)("R-1", status="dispatched")

    client = APIClient()
    await sync_to_async(client.force_login)(analyst)
    response = await sync_to_async(client.get)(f"/api/v1/events/?after={hello['latest_seq']}")
    assert response.status_code == 200
    page = response.json()
    assert [(e["type"], e["payload"]["external_id"], e["payload"]["status"]) for e in page["events"]] == [
        ("incident.created", "R-1", "received"),
        ("incident.created", "R-2", "received"),
        ("incident.updated", "R-1", "dispatched"),
    ]
    seqs = [e["seq"] for e in page["events"]]
    assert seqs == sorted(seqs)
    assert page["latest_seq"] == seqs[-1]
    assert page["has_more"] is False

    reconnected = await connect(await sync_to_async(session_cookie)(analyst))
    assert (await reconnected.receive_json_from(timeout=5))["latest_seq"] == seqs[-1]
    await reconnected.disconnect()


@pytest.mark.django_db
def test_events_are_paged_with_has_more(analyst_client: APIClient) -> None:
    upsert(*[f"P-{i}" for i in range(5)])
    first = analyst_client.get("/api/v1/events/?after=0&limit=3").json()
    assert len(first["events"]) == 3 and first["has_more"] is True
    rest = analyst_client.get(f"/api/v1/events/?after={first['events'][-1]['seq']}&limit=3").json()
    assert len(rest["events"]) == 2 and rest["has_more"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?after=-1", "?after=abc", "?after=0&limit=0", "?after=0&limit=999999"])
def test_bad_catch_up_query_is_a_400_naming_the_field(analyst_client: APIClient, query: str) -> None:
    response = analyst_client.get(f"/api/v1/events/{query}")
    assert response.status_code == 400
    assert response.json()["error"].split(":")[0] in ("after", "limit")


@pytest.mark.django_db
def test_a_caught_up_event_is_exactly_what_the_socket_sent(analyst_client: APIClient) -> None:
    """The page is written from rows (payload JSON spliced in as stored); each event must equal
    rtcc.outbox.event_message of its row, the frame the WebSocket carries."""
    from rtcc.models import OutboxEvent
    from rtcc.outbox import event_message

    upsert("S-1", "S-2")
    upsert("S-1", status="dispatched")
    page = analyst_client.get("/api/v1/events/?after=0").json()
    rows = OutboxEvent.objects.filter(seq__in=[e["seq"] for e in page["events"]]).order_by("seq")
    assert page["events"] == [event_message(row) for row in rows]
    assert len(page["events"]) == 3
