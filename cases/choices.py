from django.db import models


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    CLOSED = "closed", "Closed"


class Contribution(models.TextChoices):
    # What the RTCC contributed to the assist (several may apply).
    SUSPECT_IDENTIFIED = "suspect_identified", "Suspect identified"
    VEHICLE_LOCATED = "vehicle_located", "Vehicle located"
    FOOTAGE_PROVIDED = "footage_provided", "Camera footage provided"
    SITUATIONAL_AWARENESS = "situational_awareness", "Situational awareness to units"
    VICTIM_WITNESS_LOCATED = "victim_witness_located", "Victim or witness located"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    ARREST = "arrest", "Arrest"
    RECOVERY = "recovery", "Recovery"
    MISSING_PERSON_FOUND = "missing_person_found", "Missing person found"
    NO_OUTCOME = "no_outcome", "No outcome"
