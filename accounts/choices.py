from __future__ import annotations

from django.db import models


class SessionEndReason(models.TextChoices):
    LOGOUT = "logout", "Signed out"
    IDLE = "idle", "Idle timeout"
    ABSOLUTE = "absolute", "Session limit reached"
    REVOKED = "revoked", "Revoked"
