from __future__ import annotations

from django.conf import settings
from django.db import models

from audit.choices import FlagKind, FlagStatus

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One audited action (a sensitive read, a search…); rows can be added, never changed or removed.

    The database refuses UPDATE and DELETE (trigger in migration 0002) and chains every new row
    (trigger in migration 0003): `seq` is the gap-free position in the chain, `hash` is
    sha256(prev_hash || canonical content). The trigger sets all three, whatever the INSERT says.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)
    object_ref = models.CharField(max_length=128, blank=True)
    purpose = models.CharField(max_length=32, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    # Set by the database (db_default makes Django leave them out of the INSERT and read them back).
    seq = models.BigIntegerField(unique=True, editable=False, db_default=0)
    prev_hash = models.CharField(max_length=64, editable=False, db_default="")
    hash = models.CharField(max_length=64, editable=False, db_default="")

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["action", "at"]),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["case_number"], name="audit_case_number_idx"),
            # Pattern ops: the object filter is a prefix match (LIKE 'camera:%').
            models.Index(fields=["object_ref"], name="audit_object_ref_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.object_ref}"


class AuditFlag(models.Model):
    """An anomaly in a user's searches for a supervisor or auditor to review (one per kind, user, key, day)."""

    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the flag is about: a plate, a case number, a day ("" when the kind needs none).
    key = models.CharField(max_length=128, blank=True)
    day = models.DateField(help_text="Local day of the last event that raised it.")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField()
    first_event_at = models.DateTimeField()
    last_event_at = models.DateTimeField()
    event_ids = models.JSONField(default=list, help_text="The audit events that are the evidence.")
    details = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_event_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "key", "day"], name="audit_flag_once_per_day"),
            models.CheckConstraint(
                condition=models.Q(status=FlagStatus.OPEN) | models.Q(reviewed_by__isnull=False),
                name="audit_flag_reviewed_has_reviewer",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_event_at"], name="audit_flag_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user_id} · {self.key} · {self.day}"
