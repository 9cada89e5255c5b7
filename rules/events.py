"""Events the rules app publishes: rule edits on the `admin` stream (the rules page follows them)."""

from __future__ import annotations

from typing import TypedDict

from rtcc.outbox import record_events
from rules.models import Rule


class RulePayload(TypedDict):
    id: int
    name: str
    enabled: bool
    trigger: str
    version: int


def publish_rule_changed(*, rule: Rule, version: int) -> None:
    payload = RulePayload(id=rule.pk, name=rule.name, enabled=rule.enabled, trigger=rule.trigger, version=version)
    record_events(stream="admin", events=[("rule.changed", dict(payload))])
