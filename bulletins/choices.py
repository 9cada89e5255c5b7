"""Choices of the bulletins app."""

from django.db import models


class BulletinKind(models.TextChoices):
    BOLO = "bolo", "BOLO"
    OFFICER_SAFETY = "officer_safety", "Officer safety"
    ATTEMPT_TO_IDENTIFY = "attempt_to_identify", "Attempt to identify"
    CRIME_PATTERN = "crime_pattern", "Crime pattern"


class HandlingMarking(models.TextChoices):
    LES = "LAW ENFORCEMENT SENSITIVE", "LAW ENFORCEMENT SENSITIVE"
    FOUO = "FOR OFFICIAL USE ONLY", "FOR OFFICIAL USE ONLY"
    UNCLASSIFIED = "UNCLASSIFIED", "UNCLASSIFIED"


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    APPROVED = "approved", "Approved"
    DISSEMINATED = "disseminated", "Disseminated"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    PRINT = "print", "Print"
    RADIO = "radio", "Radio"
    OTHER = "other", "Other"


# Banner printed across the top of the PDF and the page, per kind.
BANNERS = {
    BulletinKind.BOLO: "BOLO — BE ON THE LOOKOUT",
    BulletinKind.OFFICER_SAFETY: "OFFICER SAFETY",
    BulletinKind.ATTEMPT_TO_IDENTIFY: "ATTEMPT TO IDENTIFY",
    BulletinKind.CRIME_PATTERN: "CRIME PATTERN",
}
