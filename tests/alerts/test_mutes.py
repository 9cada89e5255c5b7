"""Mutes: a type or a source, reason and expiry required; visible to all, history for supervisors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alerts.choices import AlertType
from alerts.models import AlertMute
from audit.models import AuditEvent
from rtcc.models import OutboxEvent
from tests.alerts.conftest import client_for, raise_alert

pytestmark = pytest.mark.django_db


def in_hours(hours: float) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def mute(user: Any, **data: Any) -> Any:
    return client_for(user).post("/api/v1/alerts/mutes/new/", data, format="json")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "camera_offline", "expires_at": "IN1"}, "reason"),
        ({"type": "camera_offline", "reason": "maintenance"}, "expires_at"),
        ({"type": "camera_offline", "reason": "maintenance", "expires_at": "IN-1"}, "expires_at"),
        ({"type": "camera_offline", "reason": "maintenance", "expires_at": "IN13"}, "expires_at"),
        ({"reason": "maintenance", "expires_at": "IN1"}, "type"),
        ({"type": "camera_offline", "source_key": "camera:1", "reason": "x", "expires_at": "IN1"}, "type"),
        ({"type": "no_such_type", "reason": "maintenance", "expires_at": "IN1"}, "type"),
    ],
)
def test_invalid_mutes_name_the_field(analyst: Any, data: dict[str, Any], field: str) -> None:
    if "expires_at" in data:
        data = {**data, "expires_at": in_hours(float(data["expires_at"][2:]))}
    response = mute(analyst, **data)
    assert response.status_code == 400, response.json()
    assert response.json()["error"].startswith(f"{field}:")
    assert not AlertMute.objects.exists()


def test_a_muted_type_is_still_stored_and_listed_but_flagged(analyst: Any) -> None:
    created = mute(analyst, type=AlertType.CAMERA_OFFLINE, reason="Planned maintenance", expires_at=in_hours(2))
    assert created.status_code == 201
    assert OutboxEvent.objects.filter(stream="ops", type="alert.mute.created").count() == 1
    assert AuditEvent.objects.filter(action="alert.mute").count() == 1
    muted = raise_alert(1, type=AlertType.CAMERA_OFFLINE)
    loud = raise_alert(2, type=AlertType.SHOTS_FIRED)
    raised = {e.payload["id"]: e.payload for e in OutboxEvent.objects.filter(type="alert.raised")}
    assert raised[muted.pk]["muted"] is True and raised[loud.pk]["muted"] is False
    listed = {a["id"]: a["muted"] for a in client_for(analyst).get("/api/v1/alerts/").json()["results"]}
    assert listed == {muted.pk: True, loud.pk: False}


def test_source_mute_and_early_end_by_creator_or_supervisor_only(analyst: Any, analyst_b: Any, supervisor: Any) -> None:
    first = mute(analyst, source_key="camera:12", reason="Flapping", expires_at=in_hours(1)).json()
    second = mute(analyst, source_key="camera:13", reason="Flapping", expires_at=in_hours(1)).json()
    refused = client_for(analyst_b).post(f"/api/v1/alerts/mutes/{first['id']}/end/")
    assert refused.status_code == 403
    ended = client_for(analyst).post(f"/api/v1/alerts/mutes/{first['id']}/end/")
    assert ended.status_code == 200 and ended.json()["ended_by"]["username"] == "ana"
    assert client_for(analyst).post(f"/api/v1/alerts/mutes/{first['id']}/end/").status_code == 409
    assert client_for(supervisor).post(f"/api/v1/alerts/mutes/{second['id']}/end/").status_code == 200
    assert OutboxEvent.objects.filter(stream="ops", type="alert.mute.ended").count() == 2


def test_everyone_sees_active_mutes_only_oversight_sees_history(
    analyst: Any, supervisor: Any, admin_user: Any, make_user: Any
) -> None:
    from accounts.roles import Role

    wall = make_user("wall", Role.WALL)
    active = mute(analyst, type=AlertType.FEED_SILENT, reason="Vendor outage", expires_at=in_hours(3)).json()
    old = mute(analyst, type=AlertType.CAP, reason="Test storm", expires_at=in_hours(1)).json()
    client_for(analyst).post(f"/api/v1/alerts/mutes/{old['id']}/end/")
    for user in (analyst, wall, supervisor):
        assert [m["id"] for m in client_for(user).get("/api/v1/alerts/mutes/").json()] == [active["id"]]
    assert client_for(analyst).get("/api/v1/alerts/mutes/history/").status_code == 403
    assert client_for(wall).post("/api/v1/alerts/mutes/new/", {}, format="json").status_code == 403
    for user in (supervisor, admin_user):
        history = client_for(user).get("/api/v1/alerts/mutes/history/").json()["results"]
        assert [(m["id"], m["reason"]) for m in history] == [(old["id"], "Test storm"), (active["id"], "Vendor outage")]
    assert raise_alert(9, type=AlertType.FEED_SILENT).pk  # still stored while muted
