from __future__ import annotations

from django.db import models


class AreaKind(models.TextChoices):
    BEATS = "beats", "Beats"
    DISTRICTS = "districts", "Districts"
