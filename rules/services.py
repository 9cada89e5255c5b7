"""Writes for rules: create, edit (PUT/PATCH) and disable, each with a version row (JSON before/after)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.roles import has_capability
from rtcc.errors import Conflict, NotFound, PermissionDenied
from rules.choices import RuleChange
from rules.events import publish_rule_changed
from rules.models import Rule, RuleVersion
from rules.validation import RULE_KEYS, rule_validate


def rule_as_json(rule: Rule) -> dict[str, Any]:
    """The editable part of a rule, exactly as the API takes it."""
    return {key: getattr(rule, key) for key in RULE_KEYS}


def _check(user: AbstractBaseUser) -> None:
    if not has_capability(user, "rules.manage"):
        raise PermissionDenied("Managing rules is for admins.")


def _record(*, rule: Rule, user: AbstractBaseUser, change: str, before: dict[str, Any] | None) -> None:
    version = (rule.versions.aggregate(v=Max("version"))["v"] or 0) + 1
    RuleVersion.objects.create(
        rule=rule, version=version, change=change, before=before, after=rule_as_json(rule), changed_by_id=user.pk
    )
    publish_rule_changed(rule=rule, version=version)


def _save_unique(rule: Rule) -> None:
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:
        raise Conflict(f"name: a rule named {rule.name!r} already exists") from exc


def rule_create(*, user: AbstractBaseUser, data: Any) -> Rule:
    """Validate and store a new rule (version 1)."""
    _check(user)
    cleaned = rule_validate(data)
    with transaction.atomic(durable=True):
        rule = Rule(**cleaned, created_by_id=user.pk, updated_by_id=user.pk)
        _save_unique(rule)
        _record(rule=rule, user=user, change=RuleChange.CREATED, before=None)
    return rule


def rule_update(*, user: AbstractBaseUser, rule_id: int, data: Any, partial: bool) -> Rule:
    """Replace (PUT) or patch (PATCH: keys given replace the stored ones) a rule, then re-validate it whole."""
    _check(user)
    if not isinstance(data, dict):
        rule_validate(data)  # raises the "must be a JSON object" message
    with transaction.atomic(durable=True):
        rule = Rule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound("No such rule.")
        before = rule_as_json(rule)
        cleaned = rule_validate({**before, **data} if partial else data)
        if cleaned == before:
            return rule
        for key, value in cleaned.items():
            setattr(rule, key, value)
        rule.updated_by_id = user.pk
        _save_unique(rule)
        change = RuleChange.DISABLED if before["enabled"] and not rule.enabled else RuleChange.UPDATED
        _record(rule=rule, user=user, change=change, before=before)
    return rule


def rule_disable(*, user: AbstractBaseUser, rule_id: int) -> Rule:
    """DELETE keeps the rule, its history and its matches (alerts point at them); it only stops firing."""
    return rule_update(user=user, rule_id=rule_id, data={"enabled": False}, partial=True)
