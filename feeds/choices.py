from django.db import models


class FeedKind(models.TextChoices):
    CAD = "cad", "CAD / calls for service"
    SHOTS = "shots", "Shots-fired detection"
    GPS = "gps", "GPS / electronic monitoring"
    LPR = "lpr", "Licence plate reader"
    CAP = "cap", "CAP alerts"


class BatchStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    DONE = "done", "Done"
    PARTIAL = "partial", "Done with dead letters"
    FAILED = "failed", "Failed (all dead-lettered)"


class DeadLetterStatus(models.TextChoices):
    OPEN = "open", "Open"
    REPLAYED = "replayed", "Replayed"
    DISCARDED = "discarded", "Discarded"
