"""The one way to write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from audit.models import AuditEvent


def audit_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    object_ref: str = "",
    purpose: str = "",
    case_number: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (in the caller's transaction, so the read and its record go together)."""
    return AuditEvent.objects.create(
        actor_id=actor.pk,
        action=action,
        object_ref=object_ref,
        purpose=purpose,
        case_number=case_number,
        details=details or {},
    )
