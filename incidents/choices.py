from django.db import models


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    DISPATCHED = "dispatched", "Dispatched"
    ON_SCENE = "on_scene", "On scene"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (IncidentStatus.RECEIVED, IncidentStatus.DISPATCHED, IncidentStatus.ON_SCENE)


class Priority(models.IntegerChoices):
    P1 = 1, "P1 (emergency)"
    P2 = 2, "P2 (urgent)"
    P3 = 3, "P3 (routine)"
    P4 = 4, "P4 (low)"
    P5 = 5, "P5 (administrative)"
