from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils import timezone

from operations.choices import LogKind, OperationStatus

MAX_DURATION = timedelta(days=14)


class Operation(models.Model):
    """A large planned event (parade, game): an area and a time window with its own log."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    area = models.MultiPolygonField(srid=4326)
    area_source = models.CharField(max_length=200, blank=True, help_text="e.g. 'GeoJSON' or 'beats 0112, 0113'.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="operation_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ends_at__lte=F("starts_at") + MAX_DURATION), name="operation_at_most_14_days"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return self.name

    def status_at(self, moment: datetime) -> OperationStatus:
        if moment < self.starts_at:
            return OperationStatus.PLANNED
        return OperationStatus.ACTIVE if moment < self.ends_at else OperationStatus.ENDED

    @property
    def status(self) -> OperationStatus:
        return self.status_at(timezone.now())


class OperationLogEntry(models.Model):
    """One line of an operation's log. Append-only: a database trigger refuses UPDATE and DELETE."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="log_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, help_text="When it happened (may be earlier than recorded).")
    recorded_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=16, choices=LogKind.choices, default=LogKind.NOTE)
    text = models.TextField()
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alert_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Id of a related alert, if any.")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["operation", "at"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="operation_log_text_required")]

    def __str__(self) -> str:
        return f"{self.operation_id} {self.at:%H:%M} {self.kind}"
