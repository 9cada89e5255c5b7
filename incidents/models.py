from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Trim, Upper

from incidents.choices import IncidentStatus, Priority
from rtcc.geo import LocationStatus


class CallType(models.Model):
    """The agency's call-type table: code → description and default priority."""

    code = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=200, blank=True)
    default_priority = models.PositiveSmallIntegerField(choices=Priority.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} (P{self.default_priority})"


class Incident(models.Model):
    """A call for service from a CAD system, unique per (source, external id)."""

    source = models.CharField(max_length=50, help_text="Slug of the feed that reported it.")
    external_id = models.CharField(max_length=64, help_text="CAD number in the source system.")
    call_type = models.CharField(max_length=64, help_text="Initial call type.")
    final_call_type = models.CharField(max_length=64, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED)
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=255, blank=True)
    location = models.PointField(srid=4326, null=True, blank=True)
    location_status = models.CharField(max_length=16, choices=LocationStatus.choices, default=LocationStatus.OK)
    beat = models.CharField(max_length=16, blank=True)
    district = models.CharField(max_length=16, blank=True)
    disposition = models.CharField(max_length=128, blank=True)
    narrative = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The address as the repeat-address list groups it: upper case, runs of white space as one
    # space. Computed by PostgreSQL on every write (so no code path can forget it).
    address_key = models.GeneratedField(
        expression=Upper(Trim(Func(F("address"), Value(r"\s+"), Value(" "), Value("g"), function="regexp_replace"))),
        output_field=models.CharField(max_length=255),
        db_persist=True,
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="incident_unique_source_external_id"),
            models.CheckConstraint(
                condition=Q(location__isnull=True) | Q(location_status=LocationStatus.OK),
                name="incident_location_matches_status",
            ),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="incident_priority_range"),
        ]
        indexes = [
            models.Index(fields=["status", "priority"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["address_key", "received_at"], name="incident_address_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id} {self.call_type}"
