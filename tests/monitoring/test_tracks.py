"""Tracks of monitored people: only for roles allowed, purpose and case number required, every view audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import ProgrammingError, transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.monitoring.test_geofence import INSIDE, OUTSIDE, ping, process


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_track_view_returns_the_line_and_is_audited(analyst: Any, feed: Any, subject: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    process(feed, [ping(now - timedelta(minutes=10), OUTSIDE), ping(now - timedelta(minutes=5), INSIDE)])
    response = client_for(analyst).get(
        f"/api/v1/monitoring/subjects/{subject.pk}/track/?purpose=victim_safety&case_number=2026-00412&hours=1"
    )
    assert response.status_code == 200
    track = response.json()
    assert track["geometry"]["coordinates"] == [[OUTSIDE[1], OUTSIDE[0]], [INSIDE[1], INSIDE[0]]]
    assert track["properties"]["reference"] == "EM-1042"
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.action, event.object_ref) == (
        analyst.pk,
        "monitoring.track.view",
        f"subject:{subject.pk}",
    )
    assert (event.purpose, event.case_number, event.details["pings"]) == ("victim_safety", "2026-00412", 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("case_number=1", "purpose"),
        ("purpose=curiosity&case_number=1", "purpose"),
        ("purpose=investigation", "case_number"),
        ("purpose=investigation&case_number=1&hours=1000", "hours"),
    ],
)
def test_track_without_a_valid_purpose_is_refused_and_not_audited(
    analyst: Any, subject: Any, query: str, field: str
) -> None:
    response = client_for(analyst).get(f"/api/v1/monitoring/subjects/{subject.pk}/track/?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_admin_role_may_not_view_tracks(admin_user: Any, subject: Any) -> None:
    response = client_for(admin_user).get(
        f"/api/v1/monitoring/subjects/{subject.pk}/track/?purpose=investigation&case_number=1"
    )
    assert response.status_code == 403
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted(analyst: Any) -> None:
    from audit.services import audit_record

    event = audit_record(actor=analyst, action="test.read", object_ref="x")
    for statement in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(purpose="edited"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            statement()
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""
