from django.db import models


class DetectionType(models.TextChoices):
    SINGLE = "single", "Single gunshot"
    MULTIPLE = "multiple", "Multiple gunshots"
    POSSIBLE = "possible", "Possible gunshot"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Not reviewed yet"
    CONFIRMED = "confirmed", "Confirmed gunfire"
    NOT_GUNFIRE = "not_gunfire", "Not gunfire"
