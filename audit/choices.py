from django.db import models


class FlagKind(models.TextChoices):
    REPEAT_PLATE = "repeat_plate", "Same plate searched repeatedly"
    OFF_SHIFT = "off_shift", "Search outside the user's shift"
    HIGH_VOLUME = "high_volume", "Unusually high search volume"
    UNKNOWN_CASE = "unknown_case", "Case number not found"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    REVIEWED = "reviewed", "Reviewed"
