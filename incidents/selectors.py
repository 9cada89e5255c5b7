"""Reads for incidents, always starting from what the actor may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, QuerySet

from accounts.roles import has_capability
from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from rtcc.errors import NotFound


def incident_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Incident]:
    """All incidents the user may read (every staff role reads every incident today)."""
    if not has_capability(user, "incidents.read"):
        return Incident.objects.none()
    return Incident.objects.all()


def incident_get_for_user(*, user: AbstractBaseUser | AnonymousUser, incident_id: int) -> Incident:
    """One incident, or NotFound whether it is missing or not readable."""
    incident = incident_list_visible_to(user=user).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("No such incident.")
    return incident


def open_incident_counts_by_priority(*, user: AbstractBaseUser | AnonymousUser) -> dict[int, int]:
    """Open incidents per priority, for the counters on the ops map."""
    rows = (
        incident_list_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .values("priority")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["priority"]: row["n"] for row in rows}


def incident_external_ids_existing(*, source: str, external_ids: list[str]) -> set[str]:
    """Which of these CAD numbers of a feed are already stored (for the ingest pipeline)."""
    return set(
        Incident.objects.filter(source=source, external_id__in=external_ids).values_list("external_id", flat=True)
    )


def incident_ids_by_external_id(*, source: str, external_ids: list[str]) -> dict[str, int]:
    """Primary keys of a feed's incidents by CAD number (for records linked to an incident)."""
    rows = Incident.objects.filter(source=source, external_id__in=external_ids).values_list("external_id", "id")
    return dict(rows)
