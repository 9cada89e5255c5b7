"""Reads of the cases app: cases, their links and logs, the review queue, link targets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from accounts.roles import has_capability
from cases.choices import CaseStatus, LinkKind
from cases.models import Case, CaseLink, CaseLogEntry
from rtcc.errors import NotFound

User = AbstractBaseUser | AnonymousUser


def case_list_visible_to(*, user: User) -> QuerySet[Case]:
    """Every case for holders of cases.read (an RTCC works as one team); nothing for others."""
    if not has_capability(user, "cases.read"):
        return Case.objects.none()
    return Case.objects.select_related("lead", "created_by", "approved_by")


def case_list_filtered(*, user: User, mine: bool = False, status: str = "") -> QuerySet[Case]:
    cases = case_list_visible_to(user=user)
    if mine:
        cases = cases.filter(Q(lead=user.pk) | Q(created_by=user.pk) | Q(contributors=user.pk)).distinct()
    if status:
        cases = cases.filter(status=status)
    return cases.prefetch_related("contributors")


def case_get_for_user(*, user: User, case_id: int) -> Case:
    case = case_list_visible_to(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound(f"No case {case_id}.")
    return case


def review_queue(*, user: User) -> QuerySet[Case]:
    """Cases waiting for a supervisor, oldest submission first."""
    if not has_capability(user, "cases.review"):
        return Case.objects.none()
    return (
        case_list_visible_to(user=user)
        .filter(status=CaseStatus.PENDING_REVIEW)
        .order_by("submitted_at", "id")
        .prefetch_related("contributors")
    )


def case_links(*, case: Case) -> QuerySet[CaseLink]:
    return case.links.select_related("added_by").order_by("added_at", "id")


def case_log(*, case: Case) -> list[CaseLogEntry]:
    """The log in order of action time, each entry annotated with `corrected_by` (ids of corrections)."""
    entries = list(case.log.select_related("author").order_by("action_at", "id"))
    corrected_by: dict[int, list[int]] = {}
    for entry in entries:
        if entry.corrects_id is not None:
            corrected_by.setdefault(entry.corrects_id, []).append(entry.pk)
    for entry in entries:
        entry.corrected_by = corrected_by.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries


def link_target(*, user: User, kind: str, object_id: int) -> Any | None:
    """The object a link would point at, if it exists and the user may see it; else None."""
    if kind == LinkKind.INCIDENT:
        from incidents.selectors import incident_list_visible_to

        return incident_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.ALERT:
        from alerts.selectors import alert_list_visible_to

        return alert_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.LPR_HIT:
        from lpr.selectors import hit_list_visible_to

        return hit_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.LPR_READ:
        from lpr.models import Read

        return Read.objects.filter(pk=object_id).first() if has_capability(user, "lpr.search") else None
    if kind == LinkKind.CAMERA:
        from cameras.selectors import camera_list_visible_to

        return camera_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.FOOTAGE_REQUEST:
        from cameras.selectors import footage_request_list_visible_to

        return footage_request_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.SHOTS:
        from shots.selectors import shots_list_visible_to

        return shots_list_visible_to(user=user).filter(pk=object_id).first()
    if kind == LinkKind.GPS_SUBJECT:
        from monitoring.models import Subject

        return Subject.objects.filter(pk=object_id).first() if has_capability(user, "monitoring.tracks") else None
    if kind == LinkKind.OPERATION:
        from operations.selectors import operation_list_visible_to

        return operation_list_visible_to(user=user).filter(pk=object_id).first()
    return None
