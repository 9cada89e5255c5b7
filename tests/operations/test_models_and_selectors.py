"""Operation rules in the database (window, append-only log) and the scoping helpers others use."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from alerts.models import Alert
from incidents.models import Incident
from operations.choices import OperationStatus
from operations.models import Operation, OperationLogEntry
from operations.selectors import (
    operation_contains,
    operation_filter_alerts,
    operation_filter_incidents,
    operations_containing,
)
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db
INSIDE = Point(-87.95, 43.05, srid=4326)
OUTSIDE = Point(-87.90, 43.05, srid=4326)  # ~4 km east of the square


def test_status_follows_the_clock(operation: Operation) -> None:
    assert operation.status == OperationStatus.ACTIVE
    assert operation.status_at(operation.starts_at - timedelta(seconds=1)) == OperationStatus.PLANNED
    assert operation.status_at(operation.ends_at) == OperationStatus.ENDED


def test_database_refuses_an_end_before_the_start_or_longer_than_14_days(operation: Operation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Operation.objects.filter(pk=operation.pk).update(ends_at=operation.starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Operation.objects.filter(pk=operation.pk).update(ends_at=operation.starts_at + timedelta(days=14, seconds=1))


def test_log_rows_cannot_be_updated_or_deleted_even_with_raw_sql(operation: Operation, analyst: Any) -> None:
    entry = OperationLogEntry.objects.create(operation=operation, author=analyst, text="Gate C opened")
    for statement in (
        "UPDATE operations_operationlogentry SET text = 'rewritten' WHERE id = %s",
        "DELETE FROM operations_operationlogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.text == "Gate C opened"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    assert OperationLogEntry.objects.filter(pk=entry.pk).exists()


def test_incident_scope_is_area_and_window(operation: Operation) -> None:
    inside = IncidentFactory(location=INSIDE)
    IncidentFactory(location=OUTSIDE)
    IncidentFactory(location=INSIDE, received_at=operation.starts_at - timedelta(minutes=1))
    IncidentFactory(location=INSIDE, received_at=operation.ends_at)  # the end is exclusive
    IncidentFactory(location=None, location_status="missing")
    edge = IncidentFactory(location=Point(-87.96, 43.05, srid=4326), received_at=operation.starts_at)
    found = operation_filter_incidents(Incident.objects.all(), operation)
    assert set(found.values_list("id", flat=True)) == {inside.id, edge.id}


def test_alert_scope_is_area_and_window(operation: Operation) -> None:
    def alert(key: str, location: Point | None) -> Alert:
        return Alert.objects.create(type="shots_fired", priority=1, title=key, source_key=key, location=location)

    inside = alert("in", INSIDE)
    alert("out", OUTSIDE)
    alert("nowhere", None)
    early = alert("early", INSIDE)
    Alert.objects.filter(pk=early.pk).update(created_at=operation.starts_at - timedelta(hours=1))
    found = operation_filter_alerts(Alert.objects.all(), operation)
    assert list(found.values_list("id", flat=True)) == [inside.id]


def test_operation_contains_point_and_moment(operation: Operation) -> None:
    now = timezone.now()
    assert operation_contains(operation, INSIDE, now)
    assert not operation_contains(operation, OUTSIDE, now)
    assert not operation_contains(operation, INSIDE, operation.ends_at)
    assert not operation_contains(operation, None, now)
    assert list(operations_containing(point=INSIDE, at=now)) == [operation]
    assert list(operations_containing(point=OUTSIDE, at=now)) == []
