from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex

from alerts.choices import AlertStatus, AlertType, Disposition


class Alert(models.Model):
    """Something an analyst must look at, raised once per source object (`source_key`).

    Lifecycle: new -> acknowledged -> assigned -> resolved (with a disposition). `streams` are
    the event streams that carry it and therefore who may see it (rtcc.selectors).
    """

    type = models.CharField(max_length=32, choices=AlertType.choices)
    priority = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    source_key = models.CharField(max_length=128, help_text="e.g. 'shots:<id>'; one alert per source and type.")
    location = models.PointField(srid=4326, null=True, blank=True)
    streams = ArrayField(models.CharField(max_length=32), default=list, help_text="e.g. ['ops'] or ['role.analyst'].")
    context = models.JSONField(
        default=dict, blank=True, help_text="Extra facts for the panel: attached cameras, the rule that fired…"
    )
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW)
    disposition = models.CharField(max_length=16, choices=Disposition.choices, blank=True)
    resolution_note = models.CharField(max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["type", "source_key"], name="alert_unique_type_source"),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=5), name="alert_priority_range"),
            models.CheckConstraint(
                condition=~models.Q(status=AlertStatus.RESOLVED) | ~models.Q(disposition=""),
                name="alert_resolved_has_disposition",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "priority"]),
            GinIndex(fields=["streams"], name="alert_streams_gin"),
            models.Index(fields=["created_at"], name="alert_created_at"),  # analytics date ranges
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.title}"


class AlertNote(models.Model):
    """A line an analyst adds to an alert; append-only (no edit or delete in the UI or API)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on alert {self.alert_id}"


class AlertMute(models.Model):
    """Silence one alert type or one source for a while: alerts are still stored and listed, only quieter."""

    type = models.CharField(max_length=32, choices=AlertType.choices, blank=True)
    source_key = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly one target: a type or a source, never both, never neither.
            models.CheckConstraint(
                condition=(models.Q(type="") & ~models.Q(source_key=""))
                | (~models.Q(type="") & models.Q(source_key="")),
                name="alert_mute_one_target",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="alert_mute_has_reason"),
        ]
        indexes = [models.Index(fields=["expires_at"], condition=models.Q(ended_at=None), name="alert_mute_active")]

    def __str__(self) -> str:
        return f"Mute {self.type or self.source_key} until {self.expires_at:%H:%M}"
