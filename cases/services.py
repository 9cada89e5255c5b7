"""Writes of the cases app: open and edit cases, link objects, append to the log, review.

Every state change writes a log entry of its own kind, an audit event and an outbox event, in one
transaction. Approved and closed cases are locked: only appended log entries (flagged
`after_approval`) are accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from cases import events
from cases.choices import USER_LOG_KINDS, CaseStatus, Contribution, LinkKind, LogKind, Outcome
from cases.models import Case, CaseLink, CaseLogEntry, CaseNumberCounter
from cases.selectors import link_target
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied

MAX_FUTURE = timedelta(minutes=5)
MAX_BEFORE_CREATION = timedelta(days=7)
LOCKED = (CaseStatus.APPROVED, CaseStatus.CLOSED)
EDITABLE = frozenset({"title", "summary", "contributions", "outcome", "external_numbers", "contributors", "lead"})


def _require(actor: AbstractBaseUser, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied()


def next_case_number(year: int) -> str:
    """`RTCC-<year>-<6 digits>`: the year's counter row is locked, so concurrent opens never share one."""
    CaseNumberCounter.objects.bulk_create([CaseNumberCounter(year=year, last=0)], ignore_conflicts=True)
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"RTCC-{year}-{counter.last:06d}"


def _locked_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(f"No case {case_id}.")
    return case


def _log(
    case: Case,
    actor: AbstractBaseUser,
    kind: str,
    text: str,
    *,
    action_at: datetime | None = None,
    corrects: CaseLogEntry | None = None,
    audit_event_id: int | None = None,
) -> CaseLogEntry:
    entry = CaseLogEntry.objects.create(
        case=case,
        kind=kind,
        text=text,
        author=actor,  # type: ignore[misc]
        action_at=action_at or timezone.now(),
        corrects=corrects,
        after_approval=case.status in LOCKED and kind not in (LogKind.APPROVED, LogKind.CLOSED),
        audit_event_id=audit_event_id,
    )
    events.publish_log_appended(entry)
    return entry


def _audit(actor: AbstractBaseUser, action: str, case: Case, **details: Any) -> None:
    audit_record(actor=actor, action=action, object_ref=f"case:{case.pk}", case_number=case.number, details=details)


def _users(ids: list[int], field: str) -> list[Any]:
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise InvalidInput(f"{field}: unknown user")
    return users


def _check_fields(changes: dict[str, Any]) -> None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"{sorted(unknown)[0]}: cannot be changed")
    if "title" in changes and not str(changes["title"]).strip():
        raise InvalidInput("title: required")
    for value in changes.get("contributions", []):
        if value not in Contribution.values:
            raise InvalidInput(f"contributions: unknown contribution {value!r}")
    if "outcome" in changes and changes["outcome"] not in Outcome.values:
        raise InvalidInput(f"outcome: unknown outcome {changes['outcome']!r}")


def case_open(
    *,
    actor: AbstractBaseUser,
    title: str,
    summary: str = "",
    lead_id: int | None = None,
    links: list[tuple[str, int]] | None = None,
) -> Case:
    """Open a case (the actor leads it unless `lead_id` says otherwise), optionally with first links."""
    _require(actor, "cases.write")
    if not title.strip():
        raise InvalidInput("title: required")
    lead = _users([lead_id], "lead_id")[0] if lead_id is not None else actor
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            number=next_case_number(now.year),
            title=title.strip(),
            summary=summary,
            lead=lead,  # type: ignore[misc]
            created_by=actor,  # type: ignore[misc]
        )
        _audit(actor, "case.open", case)
        events.publish_case_changed(case, opened=True)
        for kind, object_id in links or []:
            _add_link(case, actor, kind, object_id)
    return case


def case_update(*, actor: AbstractBaseUser, case_id: int, changes: dict[str, Any]) -> Case:
    """Edit the case's fields; refused (409) once approved or closed."""
    _require(actor, "cases.write")
    _check_fields(changes)
    with transaction.atomic():
        case = _locked_case(case_id)
        if case.status in LOCKED:
            raise Conflict(f"{case.number} is {case.status}: only log entries can be added")
        contributors = changes.pop("contributors", None)
        if "lead" in changes:
            changes["lead"] = _users([changes["lead"]], "lead")[0]
        for field, value in changes.items():
            setattr(case, field, value.strip() if field == "title" else value)
        case.save()
        if contributors is not None:
            case.contributors.set(_users(contributors, "contributors"))
        changed = [*changes, *(["contributors"] if contributors is not None else [])]
        _audit(actor, "case.update", case, fields=sorted(changed))
        events.publish_case_changed(case)
    return case


def _add_link(case: Case, actor: AbstractBaseUser, kind: str, object_id: int) -> CaseLink:
    if kind not in LinkKind.values:
        raise InvalidInput(f"kind: unknown link kind {kind!r}")
    target = link_target(user=actor, kind=kind, object_id=object_id)
    if target is None:
        raise InvalidInput(f"object_id: no {LinkKind(kind).label.lower()} {object_id} that you may see")
    if CaseLink.objects.filter(case=case, kind=kind, object_id=object_id).exists():
        raise Conflict(f"{LinkKind(kind).label} {object_id} is already linked to {case.number}")
    label = str(target)[:200]
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(case=case, kind=kind, object_id=object_id, label=label, added_by=actor)  # type: ignore[misc]
    except IntegrityError as exc:
        raise Conflict(f"{LinkKind(kind).label} {object_id} is already linked to {case.number}") from exc
    _log(case, actor, LogKind.LINK_ADDED, f"linked {LinkKind(kind).label.lower()} {object_id}: {label}")
    _audit(actor, "case.link", case, kind=kind, object_id=object_id)
    events.publish_link_added(link)
    return link


def case_link_add(*, actor: AbstractBaseUser, case_id: int, kind: str, object_id: int) -> CaseLink:
    """Link an object the actor may see; a second link of the same object is a 409."""
    _require(actor, "cases.write")
    with transaction.atomic():
        case = _locked_case(case_id)
        if case.status in LOCKED:
            raise Conflict(f"{case.number} is {case.status}: only log entries can be added")
        return _add_link(case, actor, kind, object_id)


def log_append(
    *,
    actor: AbstractBaseUser,
    case_id: int,
    text: str,
    kind: str = LogKind.NOTE,
    action_at: datetime | None = None,
    corrects_id: int | None = None,
    audit_event_id: int | None = None,
) -> CaseLogEntry:
    """Append one entry; allowed in every state (flagged after_approval once approved or closed)."""
    _require(actor, "cases.write")
    if kind not in USER_LOG_KINDS:
        raise InvalidInput(f"kind: {kind!r} cannot be appended by hand")
    if not text.strip():
        raise InvalidInput("text: required")
    if (kind == LogKind.CORRECTION) != (corrects_id is not None):
        raise InvalidInput("corrects: required for a correction, and only for a correction")
    if audit_event_id is not None and kind != LogKind.PLATE_SEARCHED:
        raise InvalidInput("audit_event_id: only for a plate search")
    now = timezone.now()
    if action_at is not None and action_at > now + MAX_FUTURE:
        raise InvalidInput("action_at: cannot be in the future")
    with transaction.atomic():
        case = _locked_case(case_id)
        if action_at is not None and action_at < case.created_at - MAX_BEFORE_CREATION:
            raise InvalidInput("action_at: more than 7 days before the case was opened")
        corrected = None
        if corrects_id is not None:
            corrected = case.log.filter(pk=corrects_id).first()
            if corrected is None:
                raise InvalidInput(f"corrects: no entry {corrects_id} in {case.number}")
        if audit_event_id is not None:
            from audit.models import AuditEvent

            if not AuditEvent.objects.filter(pk=audit_event_id, actor_id=actor.pk).exists():
                raise InvalidInput(f"audit_event_id: no search {audit_event_id} of yours")
        entry = _log(
            case, actor, kind, text.strip(), action_at=action_at, corrects=corrected, audit_event_id=audit_event_id
        )
        _audit(actor, "case.log", case, entry=entry.pk, kind=kind)
    return entry


def _transition(
    *,
    actor: AbstractBaseUser,
    case_id: int,
    capability: str,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    text: str,
) -> Case:
    _require(actor, capability)
    with transaction.atomic():
        case = _locked_case(case_id)
        if case.status not in allowed_from:
            raise Conflict(f"{case.number} is {case.status}: cannot be {to.replace('_', ' ')}")
        now = timezone.now()
        case.status = to
        if to == CaseStatus.PENDING_REVIEW:
            case.submitted_at = now
        elif to == CaseStatus.APPROVED:
            case.approved_by, case.approved_at = actor, now  # type: ignore[assignment]
        elif to == CaseStatus.CLOSED:
            case.closed_at = now
        case.save()
        _log(case, actor, kind, text)
        _audit(actor, f"case.{kind}", case)
        events.publish_case_changed(case)
    return case


def case_submit(*, actor: AbstractBaseUser, case_id: int) -> Case:
    return _transition(
        actor=actor,
        case_id=case_id,
        capability="cases.write",
        allowed_from=(CaseStatus.OPEN,),
        to=CaseStatus.PENDING_REVIEW,
        kind=LogKind.SUBMITTED,
        text="submitted for review",
    )


def case_approve(*, actor: AbstractBaseUser, case_id: int) -> Case:
    return _transition(
        actor=actor,
        case_id=case_id,
        capability="cases.review",
        allowed_from=(CaseStatus.PENDING_REVIEW,),
        to=CaseStatus.APPROVED,
        kind=LogKind.APPROVED,
        text="approved",
    )


def case_return(*, actor: AbstractBaseUser, case_id: int, comment: str) -> Case:
    if not comment.strip():
        raise InvalidInput("comment: required")
    return _transition(
        actor=actor,
        case_id=case_id,
        capability="cases.review",
        allowed_from=(CaseStatus.PENDING_REVIEW,),
        to=CaseStatus.OPEN,
        kind=LogKind.RETURNED,
        text=comment.strip(),
    )


def case_close(*, actor: AbstractBaseUser, case_id: int) -> Case:
    return _transition(
        actor=actor,
        case_id=case_id,
        capability="cases.write",
        allowed_from=(CaseStatus.APPROVED,),
        to=CaseStatus.CLOSED,
        kind=LogKind.CLOSED,
        text="closed",
    )
