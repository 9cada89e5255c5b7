from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models

from monitoring.choices import SupervisionType, ZoneKind


class Subject(models.Model):
    """A person on electronic monitoring, known to the feed by a device id."""

    source = models.CharField(max_length=50, help_text="Slug of the GPS feed.")
    device_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=64, help_text="Case or program reference shown to analysts.")
    supervision_type = models.CharField(max_length=16, choices=SupervisionType.choices)
    officer_name = models.CharField(max_length=120, blank=True)
    officer_phone = models.CharField(max_length=40, blank=True)
    active_from = models.DateField()
    active_until = models.DateField(null=True, blank=True)
    last_ping_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["source", "device_id"], name="subject_unique_device")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.device_id})"


class Zone(models.Model):
    """An exclusion or inclusion polygon for some subjects, optionally only at certain hours."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ZoneKind.choices, default=ZoneKind.EXCLUSION)
    area = models.MultiPolygonField(srid=4326)
    subjects = models.ManyToManyField(Subject, related_name="zones")
    dwell_seconds = models.PositiveIntegerField(
        default=settings.RTCC_GEOFENCE_DWELL_SECONDS,
        help_text="How long a subject must be in violation before an alert (drive-bys do not alert).",
    )
    schedule_start = models.TimeField(null=True, blank=True, help_text="Only enforced from this local time…")
    schedule_end = models.TimeField(null=True, blank=True, help_text="…until this one (may wrap past midnight).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Ping(models.Model):
    """One GPS position of a subject's device; the same (subject, time) twice is stored once."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="pings")
    recorded_at = models.DateTimeField()
    location = models.PointField(srid=4326)
    accuracy_m = models.FloatField(null=True, blank=True)
    battery_pct = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [models.UniqueConstraint(fields=["subject", "recorded_at"], name="ping_unique_subject_time")]

    def __str__(self) -> str:
        return f"{self.subject_id} @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class ZoneVisit(models.Model):
    """A stretch of time a subject spent in violation of a zone (inside an exclusion zone…)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="visits")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="visits")
    entered_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    exited_at = models.DateTimeField(null=True, blank=True)
    alerted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "zone"], condition=models.Q(exited_at__isnull=True), name="one_open_visit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} in {self.zone_id} since {self.entered_at:%H:%M}"
