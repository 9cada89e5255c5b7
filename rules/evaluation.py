"""Pure rule evaluation, shared by the live run and the dry-run so they cannot disagree."""

from __future__ import annotations

from typing import Any, Protocol

from rules.choices import EVENT_TRIGGER, TRIGGER_EVENTS


class RuleLike(Protocol):
    trigger: str
    conditions: Any
    match_all: bool


def _norm(value: Any) -> Any:
    # Text compares case-insensitively and without surrounding blanks ("Shooting" == "SHOOTING ").
    return value.strip().casefold() if isinstance(value, str) else value


def condition_holds(condition: dict[str, Any], payload: dict[str, Any]) -> bool:
    """One {field, op, value}; a missing or null payload value satisfies no condition."""
    actual = payload.get(condition["field"])
    if actual is None:
        return False
    op, expected = condition["op"], condition["value"]
    actual = _norm(actual)
    if op == "in":
        return actual in [_norm(v) for v in expected]
    if op == "not_in":
        return actual not in [_norm(v) for v in expected]
    if op == "eq":
        return bool(actual == _norm(expected))
    if op == "contains":
        return isinstance(actual, str) and _norm(expected) in actual
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    if op == "lte":
        return bool(actual <= expected)
    if op == "gte":
        return bool(actual >= expected)
    return False


def rule_matches(rule: RuleLike, event_type: str, payload: dict[str, Any]) -> bool:
    """True when the event is of the rule's trigger and every condition holds (AND)."""
    if event_type not in TRIGGER_EVENTS.get(rule.trigger, ()):
        return False
    conditions = rule.conditions or []
    if not conditions:
        return bool(rule.match_all)
    return all(condition_holds(condition, payload) for condition in conditions)


def source_ref(event_type: str, payload: dict[str, Any]) -> str | None:
    """'incident:42' — the object an event is about; a rule fires once per rule and source."""
    trigger = EVENT_TRIGGER.get(event_type)
    object_id = payload.get("id")
    if trigger is None or object_id is None:
        return None
    return f"{trigger}:{object_id}"


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render_title(template: str, *, rule_name: str, payload: dict[str, Any]) -> str:
    """Fill {field} placeholders (validated against the catalogue); missing values become blank."""
    values = _Blank({key: "" if value is None else value for key, value in payload.items()})
    values["rule"] = rule_name
    return template.format_map(values)[:200]


def event_summary(event_type: str, payload: dict[str, Any]) -> str:
    """One line describing the source object, for dry-run results and alert detail."""
    get = payload.get
    trigger = EVENT_TRIGGER.get(event_type)
    if trigger == "incident":
        parts = [get("external_id"), get("final_call_type") or get("call_type"), f"P{get('priority')}", get("address")]
    elif trigger == "shots":
        parts = [get("external_id"), get("detection_type"), f"{get('rounds') or '?'} rounds", get("address")]
    else:
        parts = [get("plate"), get("state"), f"hotlist {get('hotlist')}", get("reader")]
    return " · ".join(str(part) for part in parts if part)
