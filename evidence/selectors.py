"""Reads of the evidence app: always from what the actor may see."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.roles import has_capability
from cases.models import Case
from evidence.models import CustodyEntry, Evidence
from rtcc.errors import NotFound

User = AbstractBaseUser | AnonymousUser


def may_read_evidence(user: User) -> bool:
    """Evidence is read by those who may read evidence *and* cases (any case, until case-level rules exist)."""
    return has_capability(user, "evidence.read") and has_capability(user, "cases.read")


def case_get_for_evidence(*, user: User, case_id: int) -> Case:
    """The case, if the user may read its evidence; "missing" and "not yours" are the same NotFound."""
    case = Case.objects.filter(pk=case_id).first() if may_read_evidence(user) else None
    if case is None:
        raise NotFound(f"No case {case_id}.")
    return case


def evidence_list_for_case(*, user: User, case_id: int) -> QuerySet[Evidence]:
    case = case_get_for_evidence(user=user, case_id=case_id)
    return Evidence.objects.filter(case=case).select_related("uploader", "case").order_by("uploaded_at", "id")


def evidence_get_for_user(*, user: User, evidence_id: int) -> Evidence:
    found = (
        Evidence.objects.select_related("case", "uploader", "hold_set_by", "source_camera")
        .filter(pk=evidence_id)
        .first()
        if may_read_evidence(user)
        else None
    )
    if found is None:
        raise NotFound(f"No evidence {evidence_id}.")
    return found


def custody_log(*, evidence: Evidence) -> QuerySet[CustodyEntry]:
    return evidence.custody.select_related("actor").order_by("at", "id")


def evidence_purgeable(*, uploaded_before: datetime) -> QuerySet[Evidence]:
    """Retention hook: evidence old enough to purge. Never returns evidence under legal hold.

    No purge job uses it yet; a retention policy per case outcome comes later.
    """
    return Evidence.objects.filter(legal_hold=False, uploaded_at__lt=uploaded_before).order_by("id")
