"""Reading the audit trail and its anomaly flags (auditors, supervisors, admins)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import QuerySet

from accounts.roles import has_capability
from audit.choices import FlagStatus
from audit.models import AuditEvent, AuditFlag
from rtcc.errors import NotFound

# Distinct actions by a loose index scan on (action, at): one index probe per action, not a table scan.
_ACTIONS_PRESENT = """
WITH RECURSIVE found(action) AS (
    (SELECT action FROM audit_auditevent ORDER BY action LIMIT 1)
    UNION ALL
    SELECT (SELECT action FROM audit_auditevent WHERE action > found.action ORDER BY action LIMIT 1)
    FROM found WHERE found.action IS NOT NULL
)
SELECT action FROM found WHERE action IS NOT NULL
"""


def event_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEvent]:
    """The whole trail, newest first, for roles with audit.read; nothing for anyone else."""
    if not has_capability(user, "audit.read"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")


def event_get_for_user(*, user: AbstractBaseUser | AnonymousUser, event_id: int) -> AuditEvent:
    event = event_list_visible_to(user=user).filter(pk=event_id).first()
    if event is None:
        raise NotFound("No such audit event.")
    return event


def event_actions_present() -> list[str]:
    """Every action that occurs in the trail, for the action filter."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIONS_PRESENT)
        return [row[0] for row in cursor.fetchall()]


def event_hash_at(*, hash: str, seq: int | None = None) -> int | None:
    """The seq of the row with this hash (at `seq` when given), or None when the chain no longer has it."""
    events = AuditEvent.objects.filter(hash=hash)
    if seq is not None:
        events = events.filter(seq=seq)
    return events.values_list("seq", flat=True).first()


def flag_list_visible_to(*, user: AbstractBaseUser | AnonymousUser, status: str = "") -> QuerySet[AuditFlag]:
    """Anomaly flags, open first then newest, for roles with audit.anomalies."""
    if not has_capability(user, "audit.anomalies"):
        return AuditFlag.objects.none()
    flags = AuditFlag.objects.select_related("user", "reviewed_by")
    if status in FlagStatus.values:
        flags = flags.filter(status=status)
    return flags.order_by("-status", "-last_event_at", "-id")


def flag_evidence(*, flag: AuditFlag) -> list[AuditEvent]:
    """The audit rows behind a flag, oldest first."""
    return list(AuditEvent.objects.filter(pk__in=flag.event_ids).select_related("actor").order_by("seq"))
