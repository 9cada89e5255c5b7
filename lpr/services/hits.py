"""Hit verification: a person confirms (actionable) or rejects with a reason; later the outcome."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from lpr.choices import HitOutcome, HitStatus, RejectReason
from lpr.events import publish_hit_changed
from lpr.models import Hit
from lpr.selectors import hit_list_visible_to
from lpr.services.hit_alerts import hit_alert_confirmed, hit_alert_rejected
from rtcc.errors import InvalidInput, NotFound, PermissionDenied


def _locked(hit_id: int, user: AbstractBaseUser) -> Hit:
    # Only the hotlist's distribution may decide an unverified hit (the same rule as reading it).
    if not hit_list_visible_to(user=user).filter(pk=hit_id).exists():  # type: ignore[arg-type]
        raise NotFound("No such hit.")
    hit = (
        Hit.objects.select_for_update(of=("self",))
        .select_related("hotlist", "reader", "entry")
        .filter(pk=hit_id)
        .first()
    )
    if hit is None:
        raise NotFound("No such hit.")
    return hit


def _require(user: AbstractBaseUser) -> None:
    if not has_capability(user, "lpr.hits.verify"):
        raise PermissionDenied("Your role does not allow verifying hits.")


def hit_confirm(*, user: AbstractBaseUser, hit_id: int) -> Hit:
    """The analyst compared read and entry and confirms: the hit becomes actionable for everyone."""
    _require(user)
    with transaction.atomic(durable=True):
        hit = _locked(hit_id, user)
        if hit.status != HitStatus.UNVERIFIED:
            raise InvalidInput(f"status: hit {hit_id} is already {hit.status}")
        if not hit.entry.active or (hit.entry.expires_at is not None and hit.entry.expires_at <= timezone.now()):
            raise InvalidInput("entry: the hotlist entry is no longer active; reject the hit as entry_expired")
        hit.status, hit.verified_by, hit.verified_at = HitStatus.ACTIONABLE, user, timezone.now()  # type: ignore[assignment]
        hit.save(update_fields=["status", "verified_by", "verified_at"])
        audit_record(
            actor=user, action="lpr.hit.confirm", object_ref=f"hit:{hit.pk}", case_number=hit.entry.case_number
        )
        publish_hit_changed(hit=hit)
        hit_alert_confirmed(user=user, hit=hit)
    return hit


def hit_reject(*, user: AbstractBaseUser, hit_id: int, reason: str) -> Hit:
    """The hit is wrong (misread, wrong state, entry expired, vehicle mismatch): it never reaches units."""
    _require(user)
    if reason not in RejectReason.values:
        raise InvalidInput(f"reason: one of {RejectReason.values}")
    with transaction.atomic(durable=True):
        hit = _locked(hit_id, user)
        if hit.status != HitStatus.UNVERIFIED:
            raise InvalidInput(f"status: hit {hit_id} is already {hit.status}")
        hit.status, hit.reject_reason = HitStatus.REJECTED, reason
        hit.verified_by, hit.verified_at = user, timezone.now()  # type: ignore[assignment]
        hit.save(update_fields=["status", "reject_reason", "verified_by", "verified_at"])
        audit_record(actor=user, action="lpr.hit.reject", object_ref=f"hit:{hit.pk}", details={"reason": reason})
        publish_hit_changed(hit=hit)
        hit_alert_rejected(user=user, hit=hit, reason=reason)
    return hit


def hit_record_outcome(*, user: AbstractBaseUser, hit_id: int, outcome: str) -> Hit:
    """What happened after an actionable hit (stop, recovery, arrest, not located)."""
    _require(user)
    if outcome not in HitOutcome.values:
        raise InvalidInput(f"outcome: one of {HitOutcome.values}")
    with transaction.atomic(durable=True):
        hit = _locked(hit_id, user)
        if hit.status != HitStatus.ACTIONABLE:
            raise InvalidInput(f"status: only actionable hits have an outcome; hit {hit_id} is {hit.status}")
        hit.outcome, hit.outcome_by, hit.outcome_at = outcome, user, timezone.now()  # type: ignore[assignment]
        hit.save(update_fields=["outcome", "outcome_by", "outcome_at"])
        audit_record(actor=user, action="lpr.hit.outcome", object_ref=f"hit:{hit.pk}", details={"outcome": outcome})
        publish_hit_changed(hit=hit)
    return hit
