from django.db import models


class SupervisionType(models.TextChoices):
    PRETRIAL = "pretrial", "Pretrial release"
    PROBATION = "probation", "Probation"
    PAROLE = "parole", "Parole"
    OTHER = "other", "Other court order"


class ZoneKind(models.TextChoices):
    EXCLUSION = "exclusion", "Exclusion (must not enter)"
    INCLUSION = "inclusion", "Inclusion (must stay inside)"
