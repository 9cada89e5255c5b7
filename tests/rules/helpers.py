"""Rule JSON and outbox events for the rules tests."""

from __future__ import annotations

import copy
from typing import Any

from rtcc.models import OutboxEvent

ARMED_RULE: dict[str, Any] = {
    "name": "Armed violence P1",
    "trigger": "incident",
    "conditions": [
        {"field": "call_type", "op": "in", "value": ["SHOOTING", "ROBBERY ARMED"]},
        {"field": "priority", "op": "eq", "value": 1},
    ],
    "actions": {
        "raise_alert": {"priority": 1, "title": "{call_type} at {address}"},
        "audience": "ops",
        "attach_cameras": 3,
        "open_correlation": True,
    },
}


def rule_json(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(ARMED_RULE)
    data.update(overrides)
    return data


def incident_event(
    incident_id: int, call_type: str, priority: int, *, kind: str = "created", lat: float = 43.05, lon: float = -87.95
) -> tuple[str, dict[str, Any]]:
    payload = {
        "id": incident_id,
        "source": "test-cad",
        "external_id": f"CAD-{incident_id}",
        "call_type": call_type,
        "final_call_type": "",
        "priority": priority,
        "status": "received",
        "received_at": "2026-11-23T10:00:00+00:00",
        "address": f"{incident_id} N MAIN ST",
        "lat": lat,
        "lon": lon,
        "location_status": "ok",
        "district": "3",
        "beat": "",
        "disposition": "",
    }
    return f"incident.{kind}", payload


def hit_event(hit_id: int, hotlist: str, priority: int = 2) -> tuple[str, dict[str, Any]]:
    payload = {
        "id": hit_id,
        "status": "unverified",
        "kind": "exact",
        "priority": priority,
        "sound": True,
        "plate": f"ABC{hit_id:03d}",
        "state": "WI",
        "hotlist": hotlist,
        "reason": "stolen",
        "reader": "Reader 1",
        "read_at": "2026-11-23T10:00:00+00:00",
        "lat": 43.05,
        "lon": -87.95,
        "retroactive": False,
    }
    return "lpr.hit.raised", payload


def seed(events: list[tuple[str, dict[str, Any]]], stream: str = "ops") -> list[OutboxEvent]:
    """Outbox rows as the domain apps record them, without firing the after-commit hook."""
    return OutboxEvent.objects.bulk_create(
        [OutboxEvent(type=event_type, stream=stream, payload=payload) for event_type, payload in events]
    )


# A mixed stream: matches (1, 3 updated twice, 7), near misses (2: P2, 4: burglary, 5: lower-case
# matches, 6: updated to P1 later), a shots event and an LPR hit the incident rule ignores.
MIXED_EVENTS = [
    incident_event(1, "SHOOTING", 1),
    incident_event(2, "SHOOTING", 2),
    incident_event(3, "ROBBERY ARMED", 1),
    incident_event(3, "ROBBERY ARMED", 1, kind="updated"),
    incident_event(3, "ROBBERY ARMED", 1, kind="updated"),
    incident_event(4, "BURGLARY", 1),
    incident_event(5, "shooting ", 1),
    incident_event(6, "SHOOTING", 3),
    incident_event(6, "SHOOTING", 1, kind="updated"),
    ("shots.created", {"id": 1, "detection_type": "single_gunshot", "rounds": 1, "lat": 43.05, "lon": -87.95}),
    hit_event(1, "Stolen"),
]
EXPECTED_MIXED = {"incident:1", "incident:3", "incident:5", "incident:6"}
