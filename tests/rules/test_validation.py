"""rules.validation: every bad rule gets one exact message naming the path of what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.roles import Role
from rtcc.errors import InvalidInput
from rules.validation import rule_validate
from tests.rules.helpers import rule_json

INCIDENT_FIELDS = "call_type, final_call_type, priority, status, district, beat, address, source"


def with_condition(index: int, **condition: Any) -> dict[str, Any]:
    data = rule_json()
    data["conditions"][index] = condition
    return data


def with_actions(**actions: Any) -> dict[str, Any]:
    data = rule_json()
    data["actions"] = {**data["actions"], **actions}
    return data


BAD_RULES: list[tuple[str, dict[str, Any], str]] = [
    (
        "misspelt field",
        with_condition(1, field="priorty", op="eq", value=1),
        f"conditions[1].field: 'priorty' is not a field of incident ({INCIDENT_FIELDS})",
    ),
    (
        "field of another trigger",
        with_condition(0, field="hotlist", op="eq", value="X"),
        f"conditions[0].field: 'hotlist' is not a field of incident ({INCIDENT_FIELDS})",
    ),
    (
        "unknown operator",
        with_condition(0, field="call_type", op="like", value="SHOOT"),
        "conditions[0].op: 'like' is not an operator (eq, in, not_in, lte, gte, contains)",
    ),
    (
        "operator not for the type",
        with_condition(0, field="call_type", op="gte", value="A"),
        "conditions[0].op: 'gte' does not apply to call_type (text)",
    ),
    (
        "priority given as text",
        with_condition(1, field="priority", op="eq", value="1"),
        "conditions[1].value: priority is a whole number, not '1'",
    ),
    (
        "list item of the wrong type",
        with_condition(1, field="priority", op="in", value=[1, "two"]),
        "conditions[1].value[1]: priority is a whole number, not 'two'",
    ),
    (
        "in without a list",
        with_condition(0, field="call_type", op="in", value="SHOOTING"),
        "conditions[0].value: 'in' takes a non-empty list of values",
    ),
    (
        "empty conditions",
        rule_json(conditions=[]),
        'conditions: at least one condition, or "match_all": true to fire on every event',
    ),
    (
        "priority out of range",
        with_actions(raise_alert={"priority": 7, "title": "x"}),
        "actions.raise_alert.priority: must be 1 to 5",
    ),
    (
        "priority as text",
        with_actions(raise_alert={"priority": "1", "title": "x"}),
        "actions.raise_alert.priority: must be 1 to 5",
    ),
    (
        "placeholder not a field",
        with_actions(raise_alert={"priority": 1, "title": "{calltype} at {address}"}),
        f"actions.raise_alert.title: '{{calltype}}' is not a field of incident ({INCIDENT_FIELDS}, rule)",
    ),
    (
        "unknown role",
        with_actions(audience={"roles": ["analyst", "chief"], "users": []}),
        "actions.audience.roles[1]: 'chief' is not a role (analyst, supervisor, admin, wall, auditor)",
    ),
    (
        "unknown username",
        with_actions(audience={"roles": [], "users": ["ghost"]}),
        "actions.audience.users[0]: no active user named 'ghost'",
    ),
    (
        "empty audience",
        with_actions(audience={"roles": [], "users": []}),
        'actions.audience: name at least one role or user (or use "ops")',
    ),
    ("too many cameras", with_actions(attach_cameras=11), "actions.attach_cameras: must be 0 to 10"),
    ("correlation not a bool", with_actions(open_correlation="yes"), "actions.open_correlation: must be true or false"),
    (
        "unknown action",
        with_actions(send_email=True),
        "actions.send_email: unknown action (raise_alert, audience, attach_cameras, open_correlation)",
    ),
    (
        "no alert action",
        rule_json(actions={"audience": "ops"}),
        'actions.raise_alert: required: {"priority": 1-5, "title": "…"}',
    ),
    ("unknown trigger", rule_json(trigger="weather"), "trigger: 'weather' is not a trigger (incident, shots, lpr_hit)"),
    ("blank name", rule_json(name="  "), "name: required"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "data", "message"), BAD_RULES, ids=[case for case, _, _ in BAD_RULES])
def test_bad_rule_gets_a_message_naming_the_path(case: str, data: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rule_validate(data)
    assert caught.value.message == message
    path = message.split(":", 1)[0]
    assert caught.value.details[path] == message.split(": ", 1)[1]


@pytest.mark.django_db
def test_every_problem_is_in_the_details() -> None:
    data = with_condition(1, field="priorty", op="eq", value=1)
    data["actions"]["raise_alert"]["priority"] = 0
    with pytest.raises(InvalidInput) as caught:
        rule_validate(data)
    assert set(caught.value.details) == {"conditions[1].field", "actions.raise_alert.priority"}


@pytest.mark.django_db
def test_a_good_rule_comes_back_cleaned(make_user: Callable[..., Any]) -> None:
    make_user("sgt", Role.SUPERVISOR)
    data = with_actions(audience={"roles": ["supervisor"], "users": ["sgt"]})
    data["conditions"][0]["value"] = [" SHOOTING", "ROBBERY ARMED "]
    cleaned = rule_validate(data)
    assert cleaned["conditions"][0]["value"] == ["SHOOTING", "ROBBERY ARMED"]
    assert cleaned["enabled"] is True and cleaned["match_all"] is False
    assert cleaned["actions"]["audience"] == {"roles": ["supervisor"], "users": ["sgt"]}


@pytest.mark.django_db
def test_match_all_allows_no_conditions() -> None:
    cleaned = rule_validate(rule_json(conditions=[], match_all=True))
    assert cleaned["conditions"] == [] and cleaned["match_all"] is True
