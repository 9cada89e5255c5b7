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


class LinkKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    ALERT = "alert", "Alert"
    LPR_HIT = "lpr_hit", "LPR hit"
    LPR_READ = "lpr_read", "LPR read"
    CAMERA = "camera", "Camera"
    FOOTAGE_REQUEST = "footage_request", "Footage request"
    SHOTS = "shots", "Shots fired"
    GPS_SUBJECT = "gps_subject", "GPS subject"
    OPERATION = "operation", "Operation"


class LogKind(models.TextChoices):
    NOTE = "note", "Note"
    CAMERA_REVIEWED = "camera_reviewed", "Camera reviewed"
    FOOTAGE_REQUESTED = "footage_requested", "Footage requested"
    FOOTAGE_RECEIVED = "footage_received", "Footage received"
    PLATE_SEARCHED = "plate_searched", "Plate searched"
    HOTLIST_ENTRY_CREATED = "hotlist_entry_created", "Hotlist entry created"
    BOLO_ISSUED = "bolo_issued", "BOLO issued"
    INFO_RELAYED = "info_relayed", "Information relayed to units"
    LINK_ADDED = "link_added", "Link added"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned by supervisor"
    APPROVED = "approved", "Approved"
    CLOSED = "closed", "Closed"
    CORRECTION = "correction", "Correction"


# Kinds a user may append by hand; the others are written by the state changes and link service.
USER_LOG_KINDS = (
    LogKind.NOTE,
    LogKind.CAMERA_REVIEWED,
    LogKind.FOOTAGE_REQUESTED,
    LogKind.FOOTAGE_RECEIVED,
    LogKind.PLATE_SEARCHED,
    LogKind.HOTLIST_ENTRY_CREATED,
    LogKind.BOLO_ISSUED,
    LogKind.INFO_RELAYED,
    LogKind.CORRECTION,
)
USER_LOG_KIND_CHOICES = [(kind.value, kind.label) for kind in USER_LOG_KINDS]
