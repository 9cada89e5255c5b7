from django.db import models


class ReaderKind(models.TextChoices):
    FIXED = "fixed", "Fixed"
    MOBILE = "mobile", "Mobile (vehicle)"
    TRAILER = "trailer", "Trailer"


class ReaderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class HotlistSource(models.TextChoices):
    NCIC = "ncic", "NCIC"
    STATE = "state", "State list"
    BOLO = "bolo", "Manual / local BOLO"
    AMBER = "amber", "AMBER alert"


class HitKind(models.TextChoices):
    EXACT = "exact", "Exact plate"
    POSSIBLE = "possible", "Possible (OCR-confusable characters)"


class HitStatus(models.TextChoices):
    # Every hit starts unverified; only a person makes it actionable.
    UNVERIFIED = "unverified", "Unverified"
    ACTIONABLE = "actionable", "Verified: actionable"
    REJECTED = "rejected", "Rejected"


class RejectReason(models.TextChoices):
    MISREAD = "misread", "Misread plate"
    WRONG_STATE = "wrong_state", "Wrong state"
    ENTRY_EXPIRED = "entry_expired", "Entry expired / cleared"
    VEHICLE_MISMATCH = "vehicle_mismatch", "Vehicle does not match"


class HitOutcome(models.TextChoices):
    STOP = "stop", "Stop made"
    RECOVERED = "recovered", "Vehicle recovered"
    ARREST = "arrest", "Arrest"
    NOT_LOCATED = "not_located", "Not located"
