from django.db import models


class AlertType(models.TextChoices):
    SHOTS_FIRED = "shots_fired", "Shots fired"
    FEED_SILENT = "feed_silent", "Feed silent"
    CAP = "cap", "CAP alert"
    GEOFENCE = "geofence", "Geofence violation"


class AlertStatus(models.TextChoices):
    # The analyst workflow issue adds acknowledged and assigned with their REST actions.
    NEW = "new", "New"
    RESOLVED = "resolved", "Resolved"
