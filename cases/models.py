from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from cases.choices import CaseStatus, Contribution, Outcome


class Case(models.Model):
    """An RTCC case: the record of one assist, from first look to court (number `RTCC-YYYY-NNNNNN`)."""

    number = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="rtcc_cases")
    contributions = ArrayField(models.CharField(max_length=32, choices=Contribution.choices), default=list, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, default=Outcome.UNKNOWN)
    external_numbers = ArrayField(
        models.CharField(max_length=64), default=list, blank=True, help_text="Agency report / RMS numbers."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=[CaseStatus.APPROVED, CaseStatus.CLOSED])
                | models.Q(approved_at__isnull=False),
                name="case_approved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
