from __future__ import annotations

from django.contrib.gis.db import models


class CapAlert(models.Model):
    """A CAP 1.2 message from a publisher (weather service, AMBER alert…), unique per sender and identifier."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        UPDATED = "updated", "Superseded by an update"
        CANCELLED = "cancelled", "Cancelled"

    source = models.CharField(max_length=50)
    sender = models.CharField(max_length=255)
    identifier = models.CharField(max_length=255)
    sent = models.DateTimeField()
    status = models.CharField(max_length=16)
    msg_type = models.CharField(max_length=16)
    scope = models.CharField(max_length=16)
    event = models.CharField(max_length=255)
    headline = models.CharField(max_length=500, blank=True)
    severity = models.CharField(max_length=16)
    urgency = models.CharField(max_length=16)
    certainty = models.CharField(max_length=16)
    expires = models.DateTimeField(null=True, blank=True)
    area_description = models.TextField(blank=True)
    area = models.MultiPolygonField(srid=4326, null=True, blank=True)
    infos = models.JSONField(help_text="Every <info> block: texts (vehicle and plate in AMBER alerts), areas, times.")
    xml = models.TextField(help_text="The message exactly as received.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent"]
        constraints = [
            models.UniqueConstraint(fields=["source", "sender", "identifier"], name="cap_unique_sender_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.sender})"
