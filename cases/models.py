from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from cases.choices import CaseStatus, Contribution, LinkKind, LogKind, Outcome


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
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_at"], name="case_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseNumberCounter(models.Model):
    """The last case number given out in a year (row locked while the next one is taken)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseLink(models.Model):
    """Something the case is about: an incident, an alert, a camera… (by kind and id)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=24, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "object_id"], name="case_link_unique")]
        # "Which cases link incident 42?" (assists, time to first camera).
        indexes = [models.Index(fields=["kind", "object_id"], name="case_link_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class CaseLogEntry(models.Model):
    """One line of a case's log. Append-only: the database refuses UPDATE and DELETE (migration 0003)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="log")
    kind = models.CharField(max_length=32, choices=LogKind.choices, default=LogKind.NOTE)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action_at = models.DateTimeField(help_text="When the action happened.")
    recorded_at = models.DateTimeField(db_default=Now(), help_text="When it was written down.")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    after_approval = models.BooleanField(default=False)
    audit_event_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The audited search this entry refers to (plate searched)."
    )

    class Meta:
        ordering = ["action_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=LogKind.CORRECTION, corrects__isnull=False)
                | (~models.Q(kind=LogKind.CORRECTION) & models.Q(corrects__isnull=True)),
                name="case_log_correction_refers",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="case_log_text_required"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
