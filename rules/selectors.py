"""Reads for rules: the list with last match, one rule, the editor's catalogue, and the dry-run."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from accounts.roles import Role, has_capability
from audit.services import audit_record
from rtcc.errors import InvalidInput, NotFound
from rtcc.models import OutboxEvent
from rules.choices import FIELDS, LIST_OPERATORS, MAX_ATTACH_CAMERAS, OPERATORS, TRIGGER_EVENTS, RuleTrigger
from rules.evaluation import RuleLike, event_summary, render_title, rule_matches, source_ref
from rules.models import Rule, RuleMatch

DEFAULT_DRY_RUN_HOURS = 24
MAX_DRY_RUN_HOURS = 72
MAX_DRY_RUN_MATCHES = 500


def rule_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Rule]:
    if not has_capability(user, "rules.manage"):
        return Rule.objects.none()
    return (
        Rule.objects.select_related("created_by", "updated_by")
        .annotate(last_matched_at=Max("matches__matched_at"), match_count=Count("matches"))
        .order_by("name")
    )


def rule_get_for_user(*, user: AbstractBaseUser | AnonymousUser, rule_id: int) -> Rule:
    rule = rule_list_visible_to(user=user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("No such rule.")
    return rule


def rule_recent_matches(*, rule: Rule, limit: int = 20) -> QuerySet[RuleMatch]:
    return rule.matches.select_related("alert").order_by("-matched_at")[:limit]


def rule_catalogue() -> dict[str, Any]:
    """What the editor offers: triggers with their events and fields, operators, audiences."""
    return {
        "triggers": [
            {
                "value": trigger.value,
                "label": trigger.label,
                "events": list(TRIGGER_EVENTS[trigger]),
                "fields": [{"name": name, "type": kind} for name, kind in FIELDS[trigger].items()],
            }
            for trigger in RuleTrigger
        ],
        "operators": [
            {"value": op, "types": list(types), "takes_list": op in LIST_OPERATORS} for op, types in OPERATORS.items()
        ],
        "roles": list(Role.values),
        "priorities": [1, 2, 3, 4, 5],
        "max_attach_cameras": MAX_ATTACH_CAMERAS,
        "max_dry_run_hours": MAX_DRY_RUN_HOURS,
    }


def dry_run_hours(raw: Any) -> int:
    if raw in (None, ""):
        return DEFAULT_DRY_RUN_HOURS
    try:
        hours = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"hours: must be a whole number from 1 to {MAX_DRY_RUN_HOURS}") from None
    if isinstance(raw, bool) or not 1 <= hours <= MAX_DRY_RUN_HOURS:
        raise InvalidInput(f"hours: must be a whole number from 1 to {MAX_DRY_RUN_HOURS}")
    return hours


def rule_dry_run(
    *,
    user: AbstractBaseUser,
    rule: RuleLike,
    name: str,
    title: str,
    hours: int = DEFAULT_DRY_RUN_HOURS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Which outbox events of the last `hours` would the rule have fired on? No writes but an audit row.

    Same evaluation as the live run (rules.evaluation.rule_matches) and the same "once per rule
    and source" rule, so the matches are the alerts a live run over those events raises.
    """
    until = now or timezone.now()
    since = until - timedelta(hours=hours)
    events = (
        OutboxEvent.objects.filter(created_at__gte=since, created_at__lte=until, type__in=TRIGGER_EVENTS[rule.trigger])
        .order_by("seq")
        .values_list("seq", "type", "payload", "created_at")
    )
    matched: set[str] = set()
    sources: set[str] = set()
    matches: list[dict[str, Any]] = []
    evaluated = 0
    for seq, event_type, payload, created_at in events.iterator(chunk_size=2000):
        ref = source_ref(event_type, payload)
        if ref is None or ref in matched:
            continue
        evaluated += 1
        sources.add(ref)
        if rule_matches(rule, event_type, payload):
            matched.add(ref)
            if len(matches) < MAX_DRY_RUN_MATCHES:
                matches.append(
                    {
                        "seq": seq,
                        "at": created_at.isoformat(),
                        "event_type": event_type,
                        "source_ref": ref,
                        "summary": event_summary(event_type, payload),
                        "title": render_title(title, rule_name=name, payload=payload),
                    }
                )
    # Dry-runs over LPR hits show plates: like any look at LPR data, they leave a trace.
    audit_record(
        actor=user,
        action="rules.dry_run",
        object_ref=f"rule-trigger:{rule.trigger}",
        details={"name": name, "hours": hours, "matches": len(matched)},
    )
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "hours": hours,
        "events_evaluated": evaluated,
        "sources_evaluated": len(sources),
        "match_count": len(matched),
        "truncated": len(matched) > len(matches),
        "matches": matches,
    }
