"""rules.evaluation.rule_matches: the one function the live run and the dry-run share."""

from __future__ import annotations

from typing import Any

import pytest

from rules.evaluation import render_title, rule_matches, source_ref
from rules.models import Rule

INCIDENT = {"id": 9, "call_type": "SHOOTING", "priority": 1, "address": "100 N MAIN ST", "district": "3", "beat": None}
SHOT = {"id": 4, "detection_type": "multiple_gunshots", "rounds": 6, "confidence": 0.93}


def rule(trigger: str, *conditions: tuple[str, str, Any], match_all: bool = False) -> Rule:
    return Rule(
        trigger=trigger,
        conditions=[{"field": f, "op": o, "value": v} for f, o, v in conditions],
        match_all=match_all,
    )


TRUTH_TABLE = [
    (rule("incident", ("call_type", "in", ["SHOOTING", "ROBBERY ARMED"])), "incident.created", INCIDENT, True),
    (rule("incident", ("call_type", "in", ["shooting"])), "incident.updated", INCIDENT, True),
    (rule("incident", ("call_type", "not_in", ["SHOOTING"])), "incident.created", INCIDENT, False),
    (rule("incident", ("call_type", "not_in", ["BURGLARY"])), "incident.created", INCIDENT, True),
    (rule("incident", ("priority", "eq", 1)), "incident.created", INCIDENT, True),
    (rule("incident", ("priority", "eq", 2)), "incident.created", INCIDENT, False),
    (rule("incident", ("priority", "lte", 2)), "incident.created", INCIDENT, True),
    (rule("incident", ("priority", "gte", 2)), "incident.created", INCIDENT, False),
    (rule("incident", ("address", "contains", "main")), "incident.created", INCIDENT, True),
    (rule("incident", ("address", "contains", "HADLEY")), "incident.created", INCIDENT, False),
    # AND of every condition
    (rule("incident", ("call_type", "eq", "SHOOTING"), ("priority", "eq", 2)), "incident.created", INCIDENT, False),
    (rule("incident", ("call_type", "eq", "SHOOTING"), ("district", "eq", "3")), "incident.created", INCIDENT, True),
    # a null or missing value satisfies no condition, not even not_in
    (rule("incident", ("beat", "not_in", ["1"])), "incident.created", INCIDENT, False),
    (rule("incident", ("final_call_type", "eq", "X")), "incident.created", INCIDENT, False),
    # the event must be of the rule's trigger
    (rule("incident", ("priority", "eq", 1)), "shots.created", INCIDENT, False),
    (rule("incident", ("priority", "eq", 1)), "incident.deleted", INCIDENT, False),
    (rule("lpr_hit", ("priority", "eq", 1)), "lpr.hit.updated", INCIDENT, False),
    # numbers
    (rule("shots", ("rounds", "gte", 5), ("confidence", "gte", 0.9)), "shots.updated", SHOT, True),
    (rule("shots", ("confidence", "lte", 0.5)), "shots.created", SHOT, False),
    (rule("shots", ("rounds", "in", [1, 2, 6])), "shots.created", SHOT, True),
    # no conditions: only with match_all
    (rule("shots", match_all=True), "shots.created", SHOT, True),
    (rule("shots"), "shots.created", SHOT, False),
]


@pytest.mark.parametrize(("the_rule", "event_type", "payload", "expected"), TRUTH_TABLE)
def test_truth_table(the_rule: Rule, event_type: str, payload: dict[str, Any], expected: bool) -> None:
    assert rule_matches(the_rule, event_type, payload) is expected


def test_source_ref_names_the_object_not_the_event() -> None:
    assert source_ref("incident.created", INCIDENT) == source_ref("incident.updated", INCIDENT) == "incident:9"
    assert source_ref("lpr.hit.raised", {"id": 3}) == "lpr_hit:3"
    assert source_ref("alert.changed", {"id": 3}) is None


def test_title_fills_placeholders_and_blanks_missing_values() -> None:
    title = render_title("{rule}: {call_type} P{priority} {beat}", rule_name="Armed", payload=INCIDENT)
    assert title == "Armed: SHOOTING P1 "
