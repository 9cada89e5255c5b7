"""Reads of the operations app, and the scoping helpers other apps use for `?operation=<id>`."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.db.models import Model, QuerySet

from accounts.roles import has_capability
from operations.models import Operation, OperationLogEntry
from rtcc.errors import NotFound

M = TypeVar("M", bound=Model)


def operation_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Operation]:
    if not has_capability(user, "operations.read"):
        return Operation.objects.none()
    return Operation.objects.select_related("created_by").order_by("-starts_at", "-id")


def operation_get_for_user(*, user: AbstractBaseUser | AnonymousUser, operation_id: int) -> Operation:
    operation = operation_list_visible_to(user=user).filter(pk=operation_id).first()
    if operation is None:
        raise NotFound(f"No operation {operation_id}.")
    return operation


def operation_log(*, operation: Operation) -> QuerySet[OperationLogEntry]:
    return operation.log_entries.select_related("author").order_by("at", "id")


def operation_filter_incidents(queryset: QuerySet[M], operation: Operation) -> QuerySet[M]:
    """Incidents located inside the operation's area and received within its window."""
    return queryset.filter(
        location__intersects=operation.area,
        received_at__gte=operation.starts_at,
        received_at__lt=operation.ends_at,
    )


def operation_filter_alerts(queryset: QuerySet[M], operation: Operation) -> QuerySet[M]:
    """Alerts located inside the operation's area and raised within its window."""
    return queryset.filter(
        location__intersects=operation.area,
        created_at__gte=operation.starts_at,
        created_at__lt=operation.ends_at,
    )


def operation_contains(operation: Operation, point: Point | None, at: datetime) -> bool:
    """Whether something at `point` (WGS 84) and time `at` belongs to the operation (edge: inside)."""
    if point is None:
        return False
    return operation.starts_at <= at < operation.ends_at and operation.area.intersects(point)


def operations_containing(*, point: Point | None, at: datetime) -> QuerySet[Operation]:
    """Operations whose area and window hold this point and moment (for correlation and alerts)."""
    if point is None:
        return Operation.objects.none()
    return Operation.objects.filter(area__intersects=point, starts_at__lte=at, ends_at__gt=at)
