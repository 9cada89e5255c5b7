"""Shift log: who signed on for which shift, and the append-only handover notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ShiftSignOn(models.Model):
    """An analyst or supervisor on duty for one shift (signed_off_at empty while on duty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shift_sign_ons")
    shift_date = models.DateField(help_text="Local date the shift starts on.")
    shift = models.CharField(max_length=40)
    signed_on_at = models.DateTimeField(default=timezone.now)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_on_at", "id"]
        indexes = [models.Index(fields=["shift_date", "shift"])]
        constraints = [
            # A person is on duty once at a time: a second sign-on while signed on is refused.
            models.UniqueConstraint(
                fields=["user"], condition=Q(signed_off_at__isnull=True), name="shift_one_open_sign_on"
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(signed_off_at__gte=F("signed_on_at")),
                name="shift_sign_off_after_sign_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.shift} {self.shift_date}"


class HandoverNote(models.Model):
    """A handover note written during a shift for the next one. Append-only (database trigger)."""

    shift_date = models.DateField()
    shift = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handover_notes")
    text = models.TextField()
    open_items = models.TextField(blank=True, help_text="What is open.")
    watch_items = models.TextField(blank=True, help_text="What to watch.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["shift_date", "shift"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="handover_text_required")]

    def __str__(self) -> str:
        return f"{self.shift} {self.shift_date} · {self.author}"
