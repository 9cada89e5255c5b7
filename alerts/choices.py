from django.db import models


class AlertType(models.TextChoices):
    CAD_CALL = "cad_call", "High-priority CAD call"
    SHOTS_FIRED = "shots_fired", "Shots fired"
    LPR_HIT = "lpr_hit", "LPR hit"
    GEOFENCE = "geofence", "Geofence violation"
    FEED_SILENT = "feed_silent", "Feed silent"
    CAMERA_OFFLINE = "camera_offline", "Camera offline"
    CAP = "cap", "CAP alert"
    RULE_MATCH = "rule_match", "Rule match"
    MOU_EXPIRING = "mou_expiring", "Camera MOU expiring"
    AUDIT_ANOMALY = "audit_anomaly", "Audit anomaly flag"


class AlertAudience(models.TextChoices):
    # Shorthand for the usual streams; an alert may also go to role.<role> / user.<id> streams
    # (a hotlist's distribution, a rule's "alert to group Y"). rtcc.selectors decides who joins.
    OPS = "ops", "Everyone on shift"
    ADMIN = "admin", "Admins"


class AlertStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSIGNED = "assigned", "Assigned"
    RESOLVED = "resolved", "Resolved"


OPEN_ALERT_STATUSES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.ASSIGNED)


class Disposition(models.TextChoices):
    # Required when an analyst resolves an alert; "system" when its source cleared by itself
    # (a feed came back, a detection was reviewed as not gunfire).
    ACTIONABLE = "actionable", "Actionable"
    BENIGN = "benign", "Benign"
    FALSE_POSITIVE = "false_positive", "False positive"
    UNDETERMINED = "undetermined", "Undetermined"
    SYSTEM = "system", "Cleared by the source"
