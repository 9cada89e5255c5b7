from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

POLICY_KEY = 1


class TransparencyPolicy(models.Model):
    """The agency's published ALPR usage and privacy policy (one row; plain text, shown on /transparency/)."""

    # A singleton: the key is always 1 (the check constraint refuses a second row).
    key = models.PositiveSmallIntegerField(primary_key=True, default=POLICY_KEY, editable=False)
    title = models.CharField(max_length=200, default="Usage and privacy policy")
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs. HTML is shown as typed, not run.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = "transparency policy"
        verbose_name_plural = "transparency policy"
        constraints = [models.CheckConstraint(condition=Q(key=POLICY_KEY), name="analytics_policy_singleton")]

    def __str__(self) -> str:
        return self.title


class IncidentDaily(models.Model):
    """Rollup: incidents per local day, district, beat and call type (analytics/rollups.py refreshes it).

    `call_type` is the final call type when the CAD gave one, else the initial one. `covered`
    counts incidents whose location lies in the view cone of at least one approved camera, as
    the cameras stood at the refresh; `assisted` those linked by at least one case.
    """

    day = models.DateField()
    district = models.CharField(max_length=16, blank=True)
    beat = models.CharField(max_length=16, blank=True)
    call_type = models.CharField(max_length=64)
    incidents = models.PositiveIntegerField()
    located = models.PositiveIntegerField()
    covered = models.PositiveIntegerField()
    assisted = models.PositiveIntegerField(default=0, help_text="Incidents linked by at least one case.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district", "beat", "call_type"], name="analytics_incident_daily_key"
            )
        ]
        indexes = [models.Index(fields=["district", "day"], name="analytics_inc_daily_dist")]

    def __str__(self) -> str:
        return f"{self.day} {self.district}/{self.beat} {self.call_type}: {self.incidents}"


class ReadDaily(models.Model):
    """Rollup: LPR reads per local day, feed and reader (reader 0 = reads with no known reader)."""

    day = models.DateField()
    feed_id = models.BigIntegerField()
    reader_id = models.BigIntegerField()
    reads = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "feed_id", "reader_id"], name="analytics_read_daily_key")]

    def __str__(self) -> str:
        return f"{self.day} feed {self.feed_id} reader {self.reader_id}: {self.reads}"


class RollupRun(models.Model):
    """The last refresh of each rollup: shown on the dashboards as "figures as of"."""

    name = models.CharField(max_length=40, primary_key=True)
    refreshed_at = models.DateTimeField()
    window_start = models.DateField(null=True, blank=True, help_text="First day recomputed; empty = everything.")
    rows = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at:%Y-%m-%d %H:%M}"


class ShiftReport(models.Model):
    """What happened in one shift, written once at the shift's end (analytics/shift_reports.py)."""

    shift_date = models.DateField()
    shift = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(default=dict, help_text="Counts, lists and notes; see docs/analytics.md.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shift_date", "shift"], name="analytics_shift_report_key")]
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.shift} shift {self.shift_date}"
