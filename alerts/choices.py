from django.db import models


class AlertType(models.TextChoices):
    SHOTS_FIRED = "shots_fired", "Shots fired"
    FEED_SILENT = "feed_silent", "Feed silent"
    CAP = "cap", "CAP alert"
    GEOFENCE = "geofence", "Geofence violation"
    CAMERA_OFFLINE = "camera_offline", "Camera offline"
    MOU_EXPIRING = "mou_expiring", "Camera MOU expiring"


class AlertAudience(models.TextChoices):
    # Which event stream carries the alert; rtcc.selectors decides who may join each stream.
    OPS = "ops", "Everyone on shift"
    ADMIN = "admin", "Admins"


class AlertStatus(models.TextChoices):
    # The analyst workflow issue adds acknowledged and assigned with their REST actions.
    NEW = "new", "New"
    RESOLVED = "resolved", "Resolved"
