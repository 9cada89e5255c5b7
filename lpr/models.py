from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q

from lpr.choices import HitKind, HitOutcome, HitStatus, HotlistSource, ReaderKind, ReaderStatus, RejectReason


class Reader(models.Model):
    """A licence plate reader: fixed on a pole, on a patrol car, or on a trailer."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ReaderKind.choices, default=ReaderKind.FIXED)
    feed = models.ForeignKey("feeds.Feed", on_delete=models.PROTECT, related_name="lpr_readers")
    external_id = models.CharField(max_length=64, help_text="The reader's id in the feed (e.g. the agent's camera id).")
    location = models.PointField(
        srid=4326, null=True, blank=True, help_text="Fixed readers; mobile reads carry their own."
    )
    direction = models.CharField(max_length=16, blank=True, help_text="e.g. 'NB' or a heading in degrees.")
    camera = models.ForeignKey("cameras.Camera", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=ReaderStatus.choices, default=ReaderStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["feed", "external_id"], name="lpr_reader_unique_feed_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class Read(models.Model):
    """One plate read. The table is partitioned by day (migration 0001, lpr/partitions.py), not managed by Django."""

    id = models.BigIntegerField(primary_key=True)
    read_at = models.DateTimeField()
    feed = models.ForeignKey("feeds.Feed", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reader = models.ForeignKey(Reader, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+")
    external_id = models.CharField(max_length=64)
    plate_raw = models.CharField(max_length=16)
    plate = models.CharField(max_length=10)
    state = models.CharField(max_length=2, blank=True)
    confidence = models.FloatField(null=True)
    location = models.PointField(srid=4326, null=True)
    direction = models.CharField(max_length=16, blank=True)
    vehicle_make = models.CharField(max_length=40, blank=True)
    vehicle_model = models.CharField(max_length=40, blank=True)
    vehicle_color = models.CharField(max_length=40, blank=True)
    vehicle_type = models.CharField(max_length=40, blank=True)
    image_ref = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField()
    legal_hold = models.BooleanField(default=False)
    case_number = models.CharField(max_length=40, blank=True)

    class Meta:
        managed = False
        db_table = "lpr_read"
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"{self.plate} {self.state} at {self.read_at:%Y-%m-%d %H:%M}"


class Hotlist(models.Model):
    """A list of plates to watch for, with who receives its hits."""

    name = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=16, choices=HotlistSource.choices)
    priority = models.PositiveSmallIntegerField(default=2, help_text="1 (highest) to 5.")
    owner = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    distribution_roles = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    distribution_users = models.ManyToManyField("auth.User", blank=True, related_name="lpr_hotlists")
    active = models.BooleanField(default=True)
    refresh_path = models.CharField(max_length=500, blank=True, help_text="File re-imported on schedule.")
    refresh_mapping = models.CharField(max_length=120, blank=True, help_text="Shipped mapping name for the refresh.")
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="hotlist_priority_range")
        ]

    def __str__(self) -> str:
        return self.name


class HotlistEntry(models.Model):
    """One plate on a hotlist, with why and until when."""

    hotlist = models.ForeignKey(Hotlist, on_delete=models.CASCADE, related_name="entries")
    plate_raw = models.CharField(max_length=16)
    plate = models.CharField(max_length=10)
    plate_confusable = models.CharField(max_length=10)
    state = models.CharField(max_length=2, blank=True)
    reason = models.CharField(max_length=200)
    case_number = models.CharField(max_length=40, blank=True)
    ncic_number = models.CharField(max_length=20, blank=True)
    vehicle_description = models.CharField(max_length=200, blank=True)
    effective_from = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    external_id = models.CharField(max_length=64, blank=True, help_text="Id in an imported list (refresh key).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plate"]
        verbose_name_plural = "hotlist entries"
        indexes = [
            models.Index(fields=["plate"], condition=Q(active=True), name="lpr_entry_active_plate"),
            models.Index(fields=["plate_confusable"], condition=Q(active=True), name="lpr_entry_active_confusable"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hotlist", "external_id"], condition=~Q(external_id=""), name="lpr_entry_unique_import_id"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_at__gt=models.F("effective_from")),
                name="lpr_entry_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.state} on {self.hotlist_id}"


class HotlistEntryChange(models.Model):
    """Who changed what on an entry (before/after), kept for the entry's lifetime."""

    entry = models.ForeignKey(HotlistEntry, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of entry {self.entry_id} by {self.changed_by_id}"


class Hit(models.Model):
    """A read that matched a hotlist entry; a person verifies it before anyone acts on it."""

    read_id = models.BigIntegerField()
    read_at = models.DateTimeField()
    entry = models.ForeignKey(HotlistEntry, on_delete=models.PROTECT, related_name="hits")
    hotlist = models.ForeignKey(Hotlist, on_delete=models.PROTECT, related_name="hits")
    kind = models.CharField(max_length=16, choices=HitKind.choices)
    priority = models.PositiveSmallIntegerField()
    retroactive = models.BooleanField(default=False, help_text="Found when the entry was added, for an older read.")
    # What was read, kept with the hit (the read itself may be purged before the hit is).
    plate = models.CharField(max_length=10)
    state = models.CharField(max_length=2, blank=True)
    confidence = models.FloatField(null=True)
    location = models.PointField(srid=4326, null=True)
    reader = models.ForeignKey(Reader, on_delete=models.SET_NULL, null=True, related_name="+")
    image_ref = models.CharField(max_length=300, blank=True)
    vehicle = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=HitStatus.choices, default=HitStatus.UNVERIFIED)
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    verified_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=HitOutcome.choices, blank=True)
    outcome_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["read_id", "entry"], name="lpr_hit_unique_read_entry"),
            models.CheckConstraint(
                condition=~Q(status=HitStatus.REJECTED) | ~Q(reject_reason=""), name="lpr_hit_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status=HitStatus.UNVERIFIED) | Q(verified_by__isnull=False),
                name="lpr_hit_verified_by_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["read_id"]),
            models.Index(fields=["read_at"], name="lpr_hit_read_at"),  # analytics date ranges
        ]

    def __str__(self) -> str:
        return f"hit {self.plate} on {self.hotlist_id} ({self.status})"


class PurgeLedger(models.Model):
    """One retention purge: which policy, which window, how many rows went, when."""

    policy = models.CharField(max_length=40)
    window_start = models.DateTimeField(null=True)
    window_end = models.DateTimeField()
    rows_removed = models.PositiveBigIntegerField()
    partitions_dropped = models.PositiveIntegerField(default=0)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.policy}: {self.rows_removed} rows before {self.window_end:%Y-%m-%d}"
