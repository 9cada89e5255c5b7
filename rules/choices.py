"""Rule triggers, condition operators and the catalogue of fields a condition may test."""

from __future__ import annotations

from django.db import models


class RuleTrigger(models.TextChoices):
    INCIDENT = "incident", "CAD incident created or updated"
    SHOTS = "shots", "Shots-fired detection created or updated"
    LPR_HIT = "lpr_hit", "LPR hit raised"


class RuleChange(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DISABLED = "disabled", "Disabled"


# The outbox event types each trigger consumes (payloads from incidents/shots/lpr events.py).
TRIGGER_EVENTS: dict[str, tuple[str, ...]] = {
    RuleTrigger.INCIDENT: ("incident.created", "incident.updated"),
    RuleTrigger.SHOTS: ("shots.created", "shots.updated"),
    RuleTrigger.LPR_HIT: ("lpr.hit.raised",),
}
EVENT_TRIGGER: dict[str, str] = {event: trigger for trigger, events in TRIGGER_EVENTS.items() for event in events}
ALL_TRIGGER_EVENTS: tuple[str, ...] = tuple(EVENT_TRIGGER)

# Fields a condition may test, per trigger, with their value type ("str", "int" or "number").
FIELDS: dict[str, dict[str, str]] = {
    RuleTrigger.INCIDENT: {
        "call_type": "str",
        "final_call_type": "str",
        "priority": "int",
        "status": "str",
        "district": "str",
        "beat": "str",
        "address": "str",
        "source": "str",
    },
    RuleTrigger.SHOTS: {
        "detection_type": "str",
        "rounds": "int",
        "confidence": "number",
        "review_status": "str",
        "address": "str",
    },
    RuleTrigger.LPR_HIT: {
        "hotlist": "str",
        "priority": "int",
        "kind": "str",
        "state": "str",
        "plate": "str",
        "reader": "str",
    },
}

# Operators and the field types they apply to; `in`/`not_in` take a list, the others one value.
OPERATORS: dict[str, tuple[str, ...]] = {
    "eq": ("str", "int", "number"),
    "in": ("str", "int", "number"),
    "not_in": ("str", "int", "number"),
    "lte": ("int", "number"),
    "gte": ("int", "number"),
    "contains": ("str",),
}
LIST_OPERATORS = frozenset({"in", "not_in"})

MAX_CONDITIONS = 20
MAX_LIST_VALUES = 100
MAX_ATTACH_CAMERAS = 10
