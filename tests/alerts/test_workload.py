"""The alerts-per-hour gauge on seeded data, numbers worked out by hand below."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert
from audit.services import audit_record
from tests.alerts.conftest import client_for, raise_alert

pytestmark = pytest.mark.django_db


def seed(ana: Any, bob: Any) -> None:
    now = timezone.now()

    def ago(minutes: int) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    def make(number: int, created: int, streams: tuple[str, ...] = ("ops",), **fields: Any) -> None:
        alert = raise_alert(number, streams=list(streams))
        Alert.objects.filter(pk=alert.pk).update(created_at=ago(created), **fields)

    # A1: ana acknowledged 10 min ago; open, raised 20 min ago.
    make(1, 20, status="acknowledged", acknowledged_by=ana, acknowledged_at=ago(10))
    # A2: ana acknowledged 30 min ago and took it 20 min ago; open, raised 40 min ago.
    make(2, 40, status="assigned", acknowledged_by=ana, acknowledged_at=ago(30), assignee=ana, assigned_at=ago(20))
    # A3: ana acknowledged 90 min ago (outside the hour); raised 100 min ago.
    make(3, 100, status="acknowledged", acknowledged_by=ana, acknowledged_at=ago(90))
    # A4: bob acknowledged 50 min ago, ana took it 5 min ago and resolved it; raised 55 min ago (closed).
    make(
        4, 55, status="resolved", disposition="benign", acknowledged_by=bob, acknowledged_at=ago(50),
        assignee=ana, assigned_at=ago(5), resolved_by=ana, resolved_at=ago(2),
    )  # fmt: skip
    # A5: new, raised 15 min ago.  A6: new, raised 2 h ago.  A7: new 10 min ago on the admin stream only.
    make(5, 15)
    make(6, 120)
    make(7, 10, streams=("admin",))
    # A8: bob acknowledged 10 min ago; open, raised 30 min ago.
    make(8, 30, status="acknowledged", acknowledged_by=bob, acknowledged_at=ago(10))


def test_workload_numbers_by_hand(analyst: Any, analyst_b: Any, supervisor: Any, make_user: Any, settings: Any) -> None:
    make_user("carol", Role.ANALYST)  # an analyst who did nothing in the last 12 h: not on duty
    seed(analyst, analyst_b)
    for user in (analyst, analyst_b):
        audit_record(actor=user, action="alert.acknowledge", object_ref="seed")

    (own,) = client_for(analyst).get("/api/v1/alerts/workload/").json()
    # ana handled A1, A2, A4 (A3 is older than an hour); open raised in the hour on her streams: A1 A2 A5 A8.
    assert (own["username"], own["handled_last_hour"], own["open_raised_last_hour"]) == ("ana", 3, 4)
    assert (own["per_hour"], own["threshold"], own["overload"]) == (4, 12, False)

    rows = client_for(supervisor).get("/api/v1/alerts/workload/").json()
    # bob handled A4 (acknowledged 50 min ago) and A8.
    assert [(r["username"], r["handled_last_hour"], r["open_raised_last_hour"]) for r in rows] == [
        ("ana", 3, 4),
        ("bob", 2, 4),
    ]

    settings.RTCC_ALERT_OVERLOAD_PER_HOUR = 3
    (own,) = client_for(analyst).get("/api/v1/alerts/workload/").json()
    assert (own["threshold"], own["overload"]) == (3, True)
