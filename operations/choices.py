from __future__ import annotations

from django.db import models


class OperationStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class LogKind(models.TextChoices):
    NOTE = "note", "Note"
    UNIT = "unit", "Unit movement"
    INCIDENT = "incident", "Incident"
    ALERT = "alert", "Alert"
    DECISION = "decision", "Decision"
    BRIEFING = "briefing", "Briefing"
