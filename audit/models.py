from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One audited action (a sensitive read, a search…); rows can be added, never changed or removed.

    The database refuses UPDATE and DELETE (trigger in migration 0002). The security issue adds
    the hash chain and the other audited actions.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)
    object_ref = models.CharField(max_length=128, blank=True)
    purpose = models.CharField(max_length=32, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.object_ref}"
