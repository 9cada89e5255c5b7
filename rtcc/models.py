"""The transactional outbox: every domain change leaves one event row in the same transaction."""

from __future__ import annotations

from django.db import models


class OutboxEvent(models.Model):
    """One domain event; `seq` (the primary key) is gap-tolerant and commit-ordered."""

    seq = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=64)
    stream = models.CharField(max_length=32, help_text="Audience stream, e.g. 'ops'.")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["stream", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"
