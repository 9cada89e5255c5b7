from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q

from rtcc.geo import LocationStatus
from shots.choices import DetectionType, ReviewStatus


class ShotsFired(models.Model):
    """An acoustic gunshot detection, unique per (source, external id), updated after human review."""

    source = models.CharField(max_length=50, help_text="Slug of the feed that reported it.")
    external_id = models.CharField(max_length=64)
    detected_at = models.DateTimeField()
    location = models.PointField(srid=4326, null=True, blank=True)
    location_status = models.CharField(max_length=16, choices=LocationStatus.choices, default=LocationStatus.OK)
    rounds = models.PositiveSmallIntegerField(null=True, blank=True)
    detection_type = models.CharField(max_length=16, choices=DetectionType.choices)
    confidence = models.FloatField(null=True, blank=True, help_text="0 to 1, as reported by the vendor.")
    review_status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    address = models.CharField(max_length=255, blank=True)
    district = models.CharField(max_length=16, blank=True)
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="shots_fired"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name_plural = "shots-fired detections"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="shots_unique_source_external_id"),
            models.CheckConstraint(
                condition=Q(location__isnull=True) | Q(location_status=LocationStatus.OK),
                name="shots_location_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="shots_confidence_range",
            ),
        ]
        indexes = [models.Index(fields=["detected_at"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id} {self.detection_type}"
