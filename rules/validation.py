"""The one place a rule's JSON is checked; every message names the path of what is wrong.

`rule_validate(data)` returns the cleaned rule (name, enabled, trigger, conditions, match_all,
actions) or raises InvalidInput whose message is the first problem ("conditions[1].field: …")
and whose `details` map every bad path to its message, so the editor can show each one next to
its field.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import get_user_model

from accounts.roles import Role
from rtcc.errors import InvalidInput
from rules.choices import (
    FIELDS,
    LIST_OPERATORS,
    MAX_ATTACH_CAMERAS,
    MAX_CONDITIONS,
    MAX_LIST_VALUES,
    OPERATORS,
    RuleTrigger,
)

RULE_KEYS = ("name", "enabled", "trigger", "conditions", "match_all", "actions")
ACTION_KEYS = ("raise_alert", "audience", "attach_cameras", "open_correlation")
TITLE_EXTRA_PLACEHOLDERS = ("rule",)
TYPE_WORDS = {"str": "text", "int": "a whole number", "number": "a number"}


class _Errors:
    def __init__(self) -> None:
        self.by_path: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, message)


def _listing(names: Any) -> str:
    return ", ".join(names)


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int)
    return isinstance(value, int | float)


def _condition(errors: _Errors, index: int, raw: Any, trigger: str | None) -> dict[str, Any] | None:
    path = f"conditions[{index}]"
    if not isinstance(raw, dict):
        errors.add(path, "must be an object {field, op, value}")
        return None
    unknown = sorted(set(raw) - {"field", "op", "value"})
    if unknown:
        errors.add(f"{path}.{unknown[0]}", "unknown key (a condition has field, op, value)")
    field, op, value = raw.get("field"), raw.get("op"), raw.get("value")
    fields = FIELDS.get(trigger or "", {})
    kind = None
    if not isinstance(field, str) or not field:
        errors.add(f"{path}.field", "required")
    elif trigger is not None and field not in fields:
        errors.add(f"{path}.field", f"'{field}' is not a field of {trigger} ({_listing(fields)})")
    else:
        kind = fields.get(field)
    if not isinstance(op, str) or not op:
        errors.add(f"{path}.op", "required")
        return None
    if op not in OPERATORS:
        errors.add(f"{path}.op", f"'{op}' is not an operator ({_listing(OPERATORS)})")
        return None
    if kind is None:
        return None
    if kind not in OPERATORS[op]:
        errors.add(f"{path}.op", f"'{op}' does not apply to {field} ({TYPE_WORDS[kind]})")
        return None
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            errors.add(f"{path}.value", f"'{op}' takes a non-empty list of values")
            return None
        if len(value) > MAX_LIST_VALUES:
            errors.add(f"{path}.value", f"at most {MAX_LIST_VALUES} values")
            return None
        for position, item in enumerate(value):
            if not _is_type(item, kind):
                errors.add(f"{path}.value[{position}]", f"{field} is {TYPE_WORDS[kind]}, not {item!r}")
                return None
        cleaned: Any = [item.strip() if isinstance(item, str) else item for item in value]
    else:
        if not _is_type(value, kind):
            errors.add(f"{path}.value", f"{field} is {TYPE_WORDS[kind]}, not {value!r}")
            return None
        cleaned = value.strip() if isinstance(value, str) else value
        if cleaned == "":
            errors.add(f"{path}.value", "must not be empty")
            return None
    return {"field": field, "op": op, "value": cleaned}


def _title(errors: _Errors, title: Any, trigger: str | None) -> str | None:
    path = "actions.raise_alert.title"
    if not isinstance(title, str) or not title.strip():
        errors.add(path, "required (e.g. '{call_type} at {address}')")
        return None
    if len(title) > 200:
        errors.add(path, "at most 200 characters")
        return None
    allowed = [*FIELDS.get(trigger or "", {}), *TITLE_EXTRA_PLACEHOLDERS]
    try:
        parsed = list(string.Formatter().parse(title))
    except ValueError as exc:
        errors.add(path, f"bad placeholder ({exc}); write {{field}}, or {{{{ and }}}} for braces")
        return None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or name not in allowed:
            if trigger is not None:
                errors.add(path, f"'{{{name}}}' is not a field of {trigger} ({_listing(allowed)})")
            return None
    return title.strip()


def _audience(errors: _Errors, raw: Any) -> Any:
    path = "actions.audience"
    if raw is None or raw == "ops":
        return "ops"
    if not isinstance(raw, dict):
        errors.add(path, 'must be "ops" or {"roles": [...], "users": [...]}')
        return None
    unknown = sorted(set(raw) - {"roles", "users"})
    if unknown:
        errors.add(f"{path}.{unknown[0]}", "unknown key (an audience has roles and users)")
    roles, users = raw.get("roles", []), raw.get("users", [])
    if not isinstance(roles, list) or not isinstance(users, list):
        errors.add(path, "roles and users must be lists")
        return None
    if not roles and not users:
        errors.add(path, 'name at least one role or user (or use "ops")')
        return None
    for index, role in enumerate(roles):
        if role not in Role.values:
            errors.add(f"{path}.roles[{index}]", f"{role!r} is not a role ({_listing(Role.values)})")
    known = set(
        get_user_model()
        .objects.filter(username__in=[u for u in users if isinstance(u, str)], is_active=True)
        .values_list("username", flat=True)
    )
    for index, username in enumerate(users):
        if username not in known:
            errors.add(f"{path}.users[{index}]", f"no active user named {username!r}")
    return {"roles": list(dict.fromkeys(roles)), "users": list(dict.fromkeys(users))}


def _actions(errors: _Errors, raw: Any, trigger: str | None) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.add("actions", "must be an object with raise_alert (and audience, attach_cameras, open_correlation)")
        return None
    unknown = sorted(set(raw) - set(ACTION_KEYS))
    if unknown:
        errors.add(f"actions.{unknown[0]}", f"unknown action ({_listing(ACTION_KEYS)})")
    alert = raw.get("raise_alert")
    priority = title = None
    if not isinstance(alert, dict):
        errors.add("actions.raise_alert", 'required: {"priority": 1-5, "title": "…"}')
    else:
        priority = alert.get("priority")
        if not (isinstance(priority, int) and not isinstance(priority, bool) and 1 <= priority <= 5):
            errors.add("actions.raise_alert.priority", "must be 1 to 5")
        title = _title(errors, alert.get("title"), trigger)
    audience = _audience(errors, raw.get("audience"))
    cameras = raw.get("attach_cameras", 0)
    if not _is_type(cameras, "int") or not 0 <= cameras <= MAX_ATTACH_CAMERAS:
        errors.add("actions.attach_cameras", f"must be 0 to {MAX_ATTACH_CAMERAS}")
    correlation = raw.get("open_correlation", False)
    if not isinstance(correlation, bool):
        errors.add("actions.open_correlation", "must be true or false")
    return {
        "raise_alert": {"priority": priority, "title": title},
        "audience": audience,
        "attach_cameras": cameras,
        "open_correlation": correlation,
    }


def rule_validate(data: Any) -> dict[str, Any]:
    """Check a whole rule; return it cleaned or raise InvalidInput naming every bad path."""
    errors = _Errors()
    if not isinstance(data, dict):
        raise InvalidInput("rule: must be a JSON object")
    for key in sorted(set(data) - set(RULE_KEYS)):
        errors.add(key, f"unknown key ({_listing(RULE_KEYS)})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add("name", "required")
    elif len(name.strip()) > 120:
        errors.add("name", "at most 120 characters")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        errors.add("enabled", "must be true or false")
    trigger = data.get("trigger")
    if trigger not in RuleTrigger.values:
        errors.add("trigger", f"{trigger!r} is not a trigger ({_listing(RuleTrigger.values)})")
        trigger = None
    match_all = data.get("match_all", False)
    if not isinstance(match_all, bool):
        errors.add("match_all", "must be true or false")
    raw_conditions = data.get("conditions", [])
    conditions: list[dict[str, Any]] = []
    if not isinstance(raw_conditions, list):
        errors.add("conditions", "must be a list of {field, op, value}")
    elif len(raw_conditions) > MAX_CONDITIONS:
        errors.add("conditions", f"at most {MAX_CONDITIONS} conditions")
    else:
        if not raw_conditions and match_all is not True:
            errors.add("conditions", 'at least one condition, or "match_all": true to fire on every event')
        for index, raw in enumerate(raw_conditions):
            condition = _condition(errors, index, raw, trigger)
            if condition is not None:
                conditions.append(condition)
    actions = _actions(errors, data.get("actions"), trigger)
    if errors.by_path:
        path, message = next(iter(errors.by_path.items()))
        raise InvalidInput(f"{path}: {message}", details=errors.by_path)
    return {
        "name": name.strip(),  # type: ignore[union-attr]
        "enabled": enabled,
        "trigger": trigger,
        "conditions": conditions,
        "match_all": match_all,
        "actions": actions,
    }
