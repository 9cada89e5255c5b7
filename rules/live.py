"""The live rule run: consume new outbox events after a cursor, fire each rule once per source.

One transaction per batch: the cursor row is locked (select_for_update), so concurrent runs
(the on-commit trigger and the beat sweep) take turns; alerts, matches and the new cursor
position commit together, so a crash re-evaluates the batch and nothing fires twice
(RuleMatch is unique per rule and source; alert_raise_or_update is idempotent per source_key).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Max

from alerts.choices import AlertType
from alerts.models import Alert
from alerts.services import alert_raise_or_update
from cameras.selectors import cameras_nearby
from rtcc.models import OutboxEvent
from rtcc.realtime import role_stream, user_stream
from rules.choices import ALL_TRIGGER_EVENTS
from rules.evaluation import event_summary, render_title, rule_matches, source_ref
from rules.models import Rule, RuleCursor, RuleMatch

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 20
BUDGET_SECONDS = 30.0


def audience_streams(audience: Any) -> list[str]:
    """Event streams of a rule's audience; usernames are resolved now (a deleted user is skipped)."""
    if audience == "ops" or not isinstance(audience, dict):
        return ["ops"]
    streams = [role_stream(role) for role in audience.get("roles", [])]
    users = get_user_model().objects.filter(username__in=audience.get("users", []), is_active=True)
    streams += [user_stream(pk) for pk in users.values_list("pk", flat=True)]
    return streams


def attached_cameras(*, rule: Rule, lat: float | None, lon: float | None, count: int) -> list[dict[str, Any]]:
    """The `count` nearest cameras that see the spot, as the rule's last editor may see them."""
    if count <= 0 or lat is None or lon is None:
        return []
    radius = float(getattr(settings, "RULES_CAMERA_RADIUS_M", 300))
    found = cameras_nearby(user=rule.updated_by, lat=lat, lon=lon, radius_m=radius, limit=50)
    seeing = sorted((c for c in found if c.sees_point), key=lambda c: c.distance_m)[:count]
    return [
        {"id": c.camera.pk, "name": c.camera.name, "distance_m": round(c.distance_m, 1), "sees": True} for c in seeing
    ]


def _fire(*, rule: Rule, event: OutboxEvent, ref: str) -> Alert:
    payload, actions = event.payload, rule.actions
    lat, lon = payload.get("lat"), payload.get("lon")
    streams = audience_streams(actions.get("audience"))
    detail = event_summary(event.type, payload)
    if not streams:  # every named user is gone: admins get it rather than nobody
        streams, detail = ["admin"], f"{detail} (the rule's audience no longer exists)"
    context = {
        "rule": {"id": rule.pk, "name": rule.name},
        "event": {"seq": event.seq, "type": event.type},
        "source": ref,
        "cameras": attached_cameras(rule=rule, lat=lat, lon=lon, count=actions.get("attach_cameras", 0)),
        "open_correlation": bool(actions.get("open_correlation")),
    }
    kind, object_id = ref.split(":", 1)
    return alert_raise_or_update(
        type=AlertType.RULE_MATCH,
        source_key=f"rule:{rule.pk}:{kind}:{object_id}",
        priority=actions["raise_alert"]["priority"],
        title=render_title(actions["raise_alert"]["title"], rule_name=rule.name, payload=payload),
        detail=detail,
        location=Point(lon, lat, srid=4326) if lat is not None and lon is not None else None,
        streams=streams,
        context=context,
    )


def _apply(rules: list[Rule], events: list[OutboxEvent]) -> int:
    refs = {ref for e in events if (ref := source_ref(e.type, e.payload))}
    done = set(RuleMatch.objects.filter(rule__in=rules, source_ref__in=refs).values_list("rule_id", "source_ref"))
    fired = 0
    for event in events:
        ref = source_ref(event.type, event.payload)
        if ref is None:
            continue
        for rule in rules:
            if (rule.pk, ref) in done or not rule_matches(rule, event.type, event.payload):
                continue
            try:
                with transaction.atomic():  # a savepoint: one bad payload must not stall every rule
                    alert = _fire(rule=rule, event=event, ref=ref)
                    RuleMatch.objects.create(
                        rule=rule, event_seq=event.seq, event_type=event.type, source_ref=ref, alert=alert
                    )
            except (ValueError, TypeError, KeyError):
                logger.exception("rule %s could not fire on event %s (%s); skipped", rule.pk, event.seq, ref)
                continue
            done.add((rule.pk, ref))
            fired += 1
    return fired


def _evaluate_batch(batch_size: int) -> tuple[int, bool]:
    with transaction.atomic(durable=True):
        cursor, _ = RuleCursor.objects.select_for_update().get_or_create(pk=1)
        # Events commit in seq order (rtcc.outbox), so everything up to `head` is visible now.
        head = OutboxEvent.objects.aggregate(m=Max("seq"))["m"] or 0
        events = list(
            OutboxEvent.objects.filter(seq__gt=cursor.last_seq, seq__lte=head, type__in=ALL_TRIGGER_EVENTS).order_by(
                "seq"
            )[:batch_size]
        )
        caught_up = len(events) < batch_size
        new_last = head if caught_up else events[-1].seq
        rules = list(Rule.objects.filter(enabled=True).select_related("updated_by").order_by("pk"))
        fired = _apply(rules, events) if rules and events else 0
        if new_last > cursor.last_seq:
            cursor.last_seq = new_last
            cursor.save(update_fields=["last_seq", "updated_at"])
    return fired, caught_up


def rules_evaluate_new_events(
    *, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES, budget_seconds: float = BUDGET_SECONDS
) -> int:
    """Evaluate every enabled rule on the trigger events after the cursor; returns alerts fired.

    Stops after `max_batches` or `budget_seconds` (well inside the task's time limit); the next
    run (the next commit's trigger or the beat sweep) continues from the cursor.
    """
    fired = 0
    deadline = time.monotonic() + budget_seconds
    for _ in range(max_batches):
        count, caught_up = _evaluate_batch(batch_size)
        fired += count
        if caught_up or time.monotonic() > deadline:
            break
    if fired:
        logger.info("rules fired %d alert(s)", fired)
    return fired
