"""The alert desk page: supervisors (and admins) see every analyst's alert load and the mute log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, AlertMute
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_supervisor_sees_each_analysts_load_and_every_mute(supervisor: Any, analyst: Any, make_user: Any) -> None:
    now = timezone.now()
    busy = make_user("busy-analyst", Role.ANALYST)
    audit_record(actor=analyst, action="test.activity", object_ref="x")
    audit_record(actor=busy, action="test.activity", object_ref="y")
    for number in range(14):  # 14 handled in the last hour: above the 12/h threshold
        Alert.objects.create(
            type="geofence", priority=3, title=f"g{number}", source_key=f"g{number}", streams=["role.none"],
            status="acknowledged", acknowledged_by=busy, acknowledged_at=now - timedelta(minutes=number),
        )  # fmt: skip
    AlertMute.objects.create(type="feed_silent", reason="CAD vendor maintenance", expires_at=now + timedelta(hours=2),
                             created_by=analyst)  # fmt: skip
    AlertMute.objects.create(source_key="camera:7", reason="Known outage", expires_at=now - timedelta(hours=1),
                             created_by=busy)  # fmt: skip
    ended = AlertMute.objects.create(type="cap", reason="Drill", expires_at=now + timedelta(hours=1), created_by=busy)
    AlertMute.objects.filter(pk=ended.pk).update(ended_at=now, ended_by=supervisor)

    response = logged_in(supervisor).get("/alerts/desk/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('id="workload-table"')[1].split("</table>")[0]
    assert rows.index("busy-analyst") < rows.index(f">{analyst.get_full_name() or analyst.username} ")
    assert 'class="overload"' in rows and rows.count("overload</strong>") == 1
    mutes = html.split('id="mute-table"')[1].split("</table>")[0]
    assert mutes.count("<tr data-mute-id") == 3
    assert "CAD vendor maintenance" in mutes and "Known outage" in mutes and "Drill" in mutes
    assert '<span class="state active">active</span>' in mutes
    assert '<span class="state expired">expired</span>' in mutes
    assert f"by {supervisor.username}" in mutes


@pytest.mark.parametrize("role", [Role.ANALYST, Role.WALL])
def test_analysts_and_the_wall_have_no_desk(make_user: Any, role: Role) -> None:
    assert logged_in(make_user(f"desk-{role}", role)).get("/alerts/desk/").status_code == 403
