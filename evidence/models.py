from __future__ import annotations

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from evidence.choices import REASON_REQUIRED, CustodyAction, EvidenceKind


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """evidence/<case number>/<random>.<ext>: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{instance.case.number}/{secrets.token_hex(16)}{suffix}"


class Evidence(models.Model):
    """A file attached to a case, stored with its SHA-256 and checked against it on demand and nightly."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    mime_type = models.CharField(max_length=100, help_text="Sniffed from the content, not the declared type.")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=500, blank=True, help_text="Where it came from, in words.")
    source_camera = models.ForeignKey(
        "cameras.Camera", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_footage_request = models.ForeignKey(
        "cameras.FootageRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_hold = models.BooleanField(default=False)
    hold_reason = models.TextField(blank=True)
    hold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hold_set_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    integrity_ok = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=Q(legal_hold=False) | ~Q(hold_reason=""), name="evidence_hold_has_reason"),
        ]
        indexes = [models.Index(fields=["case", "uploaded_at"]), models.Index(fields=["legal_hold", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.original_name})"


class CustodyEntry(models.Model):
    """One link in an evidence item's chain of custody. Append-only: a database trigger refuses changes."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(max_length=20, choices=CustodyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the nightly integrity job.",
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "custody entries"
        indexes = [models.Index(fields=["evidence", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=sorted(REASON_REQUIRED)) | ~Q(reason=""), name="custody_reason_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
