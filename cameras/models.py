from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils import timezone

from cameras.choices import AccessTier, CameraSource, CameraStatus, FootageStatus, Health, OwnerType
from cameras.geometry import view_cone

CONE_INPUTS = {"location", "heading", "fov", "range_m"}


class Camera(models.Model):
    """A public or partner camera: where it is, where it looks, and what the owner agreed to."""

    reference = models.CharField(max_length=16, unique=True, help_text="Given to the owner, e.g. CAM-7KQ2M9XD.")
    name = models.CharField(max_length=200)
    owner_name = models.CharField(max_length=200, blank=True, help_text="Organisation or person.")
    owner_type = models.CharField(max_length=16, choices=OwnerType.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_after_hours = models.CharField(max_length=200, blank=True, help_text="Phone or instructions.")
    address = models.CharField(max_length=255, blank=True)
    location = models.PointField(srid=4326)
    mount_height_m = models.FloatField(null=True, blank=True)
    heading = models.FloatField(
        null=True, blank=True, help_text="Degrees clockwise from north the camera looks at; empty if unknown."
    )
    fov = models.FloatField(default=90, help_text="Horizontal field of view in degrees; 360 for all-round cameras.")
    range_m = models.FloatField(default=60, help_text="How far the camera usefully sees, in metres.")
    view_cone = models.PolygonField(srid=4326, null=True, blank=True, editable=False)
    tier = models.CharField(max_length=16, choices=AccessTier.choices, default=AccessTier.REGISTER_ONLY)
    stream_url = models.CharField(max_length=500, blank=True, help_text="rtsp:// or http(s):// without credentials.")
    # Fernet ciphertext of {"username", "password"}; see rtcc/crypto.py. Never serialised.
    stream_credentials_encrypted = models.TextField(blank=True, editable=False)
    retention_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long the owner keeps video."
    )
    recording_hours = models.CharField(max_length=100, blank=True, help_text="e.g. '24/7' or 'Mon-Fri 07:00-19:00'.")
    mou_file = models.FileField(upload_to="cameras/mou/%Y/", blank=True)
    mou_signed_on = models.DateField(null=True, blank=True)
    mou_expires_on = models.DateField(null=True, blank=True)
    mou_warned_for = models.DateField(null=True, blank=True, editable=False, help_text="Expiry date already warned.")
    mou_lapse_published_for = models.DateField(
        null=True, blank=True, editable=False, help_text="Expiry date whose lapse was already pushed to the maps."
    )
    status = models.CharField(max_length=16, choices=CameraStatus.choices, default=CameraStatus.PENDING)
    rejection_reason = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.UNKNOWN, editable=False)
    health_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    health_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    health_detail = models.CharField(max_length=200, blank=True, editable=False)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    snapshot = models.ImageField(upload_to="cameras/snapshots/%Y/", blank=True)
    source = models.CharField(max_length=16, choices=CameraSource.choices, default=CameraSource.ADMIN)
    external_id = models.CharField(max_length=120, blank=True, help_text="Id in the imported file (re-import key).")
    submitted_from = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="camera_unique_import_id"
            ),
            models.CheckConstraint(
                condition=Q(heading__isnull=True) | Q(heading__gte=0, heading__lt=360), name="camera_heading_range"
            ),
            models.CheckConstraint(condition=Q(fov__gt=0, fov__lte=360), name="camera_fov_range"),
            models.CheckConstraint(condition=Q(range_m__gt=0, range_m__lte=2000), name="camera_range_m"),
            models.CheckConstraint(
                condition=Q(mou_expires_on__isnull=True)
                | Q(mou_signed_on__isnull=True)
                | Q(mou_expires_on__gte=models.F("mou_signed_on")),
                name="camera_mou_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "tier"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The cone is derived data: recomputed on every save so it can never disagree with
        # location, heading, field of view and range.
        self.view_cone = view_cone(self.location, self.heading, self.fov, self.range_m)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & CONE_INPUTS:
            kwargs["update_fields"] = {*update_fields, "view_cone"}
        super().save(*args, **kwargs)

    def mou_expired(self, today: dt.date | None = None) -> bool:
        """True once the MOU's expiry date has passed (an MOU without expiry never expires)."""
        if self.mou_expires_on is None:
            return False
        return self.mou_expires_on < (today or timezone.localdate())

    def live_available(self, today: dt.date | None = None) -> bool:
        """Live viewing is allowed: approved, live-share tier and the MOU still in force."""
        return self.status == CameraStatus.APPROVED and self.tier == AccessTier.LIVE and not self.mou_expired(today)

    def footage_requestable(self, today: dt.date | None = None) -> bool:
        """Footage may be requested: approved, footage or live tier, MOU in force."""
        return (
            self.status == CameraStatus.APPROVED
            and self.tier in (AccessTier.FOOTAGE, AccessTier.LIVE)
            and not self.mou_expired(today)
        )

    @property
    def has_credentials(self) -> bool:
        return bool(self.stream_credentials_encrypted)


class FootageRequest(models.Model):
    """An analyst's request to a camera owner for video of a time window, usually for an incident."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="footage_requests")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="footage_requests"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    reason = models.CharField(max_length=500)
    case_number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=FootageStatus.choices, default=FootageStatus.REQUESTED)
    available_until = models.DateTimeField(
        null=True, blank=True, help_text="When the owner's retention deletes the start of the window."
    )
    requested_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    response_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="footage_window_order"),
        ]
        indexes = [models.Index(fields=["status", "available_until"])]

    def __str__(self) -> str:
        return f"footage {self.pk} from {self.camera_id} ({self.status})"


class FootageFile(models.Model):
    """A file the owner delivered for a request; the hash is taken on receipt (cases turn it into evidence)."""

    request = models.ForeignKey(FootageRequest, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="cameras/footage/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"
