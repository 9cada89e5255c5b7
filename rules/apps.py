from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig

logger = logging.getLogger(__name__)


def enqueue_rule_run(sender: Any, types: list[str], **kwargs: Any) -> None:
    """After trigger events commit, run the rules at once; the 30 s beat sweep catches up if this fails."""
    from kombu.exceptions import OperationalError

    from rules.choices import EVENT_TRIGGER
    from rules.models import Rule
    from rules.tasks import evaluate_new_events

    triggers = {EVENT_TRIGGER[event_type] for event_type in types if event_type in EVENT_TRIGGER}
    # No enabled rule listens to these events: no task (the beat sweep still moves the cursor on).
    if not triggers or not Rule.objects.filter(enabled=True, trigger__in=triggers).exists():
        return
    try:
        evaluate_new_events.delay()
    except (OperationalError, OSError):
        logger.warning("could not enqueue the rules run; the beat sweep will catch up", exc_info=True)


class RulesConfig(AppConfig):
    name = "rules"

    def ready(self) -> None:
        from rtcc.signals import events_committed

        events_committed.connect(enqueue_rule_run, dispatch_uid="rules.enqueue_rule_run")
