"""Intelligence bulletins (BOLO, officer safety…), their versions, photos and dissemination log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q

from bulletins.choices import BulletinKind, BulletinStatus, Channel, HandlingMarking


class Bulletin(models.Model):
    """A bulletin's current content and state; every draft edit is also kept as a BulletinVersion."""

    kind = models.CharField(max_length=24, choices=BulletinKind.choices)
    title = models.CharField(max_length=200)
    marking = models.CharField(max_length=40, choices=HandlingMarking.choices, default=HandlingMarking.LES)
    summary = models.TextField(blank=True)
    subjects = models.JSONField(default=list, blank=True, help_text="[{name, description, dob, identifiers}]")
    vehicles = models.JSONField(default=list, blank=True, help_text="[{plate, state, make, model, colour, notes}]")
    location = models.PointField(srid=4326, null=True, blank=True)
    location_label = models.CharField(max_length=200, blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Number of the current BulletinVersion.")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="bulletins")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "disseminated"]) | Q(approved_by__isnull=False),
                name="bulletin_approved_has_approver",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="bulletin_title_not_blank"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.status in (BulletinStatus.APPROVED, BulletinStatus.DISSEMINATED)


class BulletinVersion(models.Model):
    """The full content of a bulletin as saved (1, 2, …): who changed it and when."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bulletin", "number"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "number"], name="bulletin_version_unique")]

    def __str__(self) -> str:
        return f"bulletin {self.bulletin_id} v{self.number}"


def photo_path(instance: BulletinPhoto, filename: str) -> str:
    return f"bulletins/{instance.bulletin_id}/{filename}"


class BulletinPhoto(models.Model):
    """An image shown in the bulletin (content checked with Pillow on upload)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, max_length=300)
    caption = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    image_format = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bulletin", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of bulletin {self.bulletin_id}"


class Dissemination(models.Model):
    """One sending of an approved bulletin version. Append-only: a database trigger refuses UPDATE/DELETE."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="disseminations")
    version = models.PositiveIntegerField()
    recipients = models.TextField(help_text="Who: units, agencies, distribution lists.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bulletin", "at", "id"]

    def __str__(self) -> str:
        return f"bulletin {self.bulletin_id} v{self.version} → {self.recipients[:40]} ({self.channel})"
