"""The one way to write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from audit.models import AuditEvent


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    object_ref: str = "",
    purpose: str = "",
    case_number: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (in the caller's transaction, so the read and its record go together).

    `actor=None` is the system (a scheduled purge, a background job)."""
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        action=action,
        object_ref=object_ref,
        purpose=purpose,
        case_number=case_number,
        details=details or {},
    )
