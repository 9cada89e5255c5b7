from __future__ import annotations

from django.contrib.gis.db import models

from alerts.choices import AlertAudience, AlertStatus, AlertType


class Alert(models.Model):
    """Something an analyst must look at, raised once per source object (`source_key`)."""

    type = models.CharField(max_length=32, choices=AlertType.choices)
    priority = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    source_key = models.CharField(max_length=128, help_text="e.g. 'shots:<id>'; one alert per source and type.")
    location = models.PointField(srid=4326, null=True, blank=True)
    audience = models.CharField(max_length=16, choices=AlertAudience.choices, default=AlertAudience.OPS)
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW)
    resolution_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["type", "source_key"], name="alert_unique_type_source"),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=5), name="alert_priority_range"),
        ]
        indexes = [models.Index(fields=["status", "priority"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.title}"
