"""Rules: dry-run over a day of outbox events, and the live run's throughput.

Run through `make bench` (or directly). Creates its own database (`rtcc_bench_rules`), seeds a
busy day of trigger events into the outbox (incident created/updated, shots, LPR hits recorded
per distribution stream) and 10 enabled rules, then times (1) `rules.selectors.rule_dry_run` of
the armed-violence rule over the last 24 h (median of 5) and (2) the live run
`rules.live.rules_evaluate_new_events` over the same events from a cursor at 0, which raises the
alerts. Drops the database before it exits. The last line is the JSON that bench/run.py collects.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcc.settings")
# Alerts raised by the live run are broadcast: on a channel prefix of its own (pub/sub ignores the
# Redis database), so a running demo does not receive them.
os.environ.setdefault("RTCC_CHANNEL_PREFIX", "rtcc-bench-rules")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import user_ensure_with_role  # noqa: E402
from alerts.models import Alert  # noqa: E402
from rtcc.models import OutboxEvent  # noqa: E402
from rtcc.signals import events_committed  # noqa: E402
from rules.live import rules_evaluate_new_events  # noqa: E402
from rules.models import RuleCursor, RuleMatch  # noqa: E402
from rules.selectors import rule_dry_run  # noqa: E402
from rules.services import rule_create  # noqa: E402

DATABASE = os.environ.get("BENCH_RULES_DATABASE", "rtcc_bench_rules")
INCIDENTS = int(os.environ.get("BENCH_RULES_INCIDENTS", "8000"))
UPDATES_PER_INCIDENT = 3
SHOTS = 400
HITS = 600
SEED = 2032
CALL_TYPES = ["SHOOTING", "ROBBERY ARMED", "BATTERY", "ACC PDO", "BURGLARY", "TRAFFIC STOP", "SUBJ WANTED"]


def seed_events(rng: random.Random) -> int:
    now = timezone.now()
    rows: list[OutboxEvent] = []

    def at(fraction: float) -> Any:
        return now - timedelta(hours=23.9 * (1 - fraction))

    for number in range(INCIDENTS):
        call_type = rng.choice(CALL_TYPES)
        base = {
            "id": number + 1,
            "source": "cad",
            "external_id": f"C{number}",
            "call_type": call_type,
            "final_call_type": "",
            "priority": rng.randint(1, 5),
            "status": "received",
            "received_at": now.isoformat(),
            "address": f"{number} N MAIN ST",
            "lat": 43.05,
            "lon": -87.95,
            "location_status": "ok",
            "district": str(rng.randint(1, 7)),
            "beat": "",
            "disposition": "",
        }
        start = rng.random()
        for update in range(1 + UPDATES_PER_INCIDENT):
            kind = "incident.created" if update == 0 else "incident.updated"
            rows.append(OutboxEvent(type=kind, stream="ops", payload={**base, "status": f"s{update}"}))
            rows[-1].created_at = at(min(1.0, start + update * 0.001))
    for number in range(SHOTS):
        payload = {
            "id": number + 1,
            "detection_type": "gunshot",
            "rounds": rng.randint(1, 9),
            "confidence": rng.random(),
            "lat": 43.05,
            "lon": -87.95,
        }
        rows.append(OutboxEvent(type="shots.created", stream="ops", payload=payload))
    for number in range(HITS):
        payload = {
            "id": number + 1,
            "kind": "exact",
            "priority": 2,
            "plate": f"P{number}",
            "state": "WI",
            "hotlist": rng.choice(["Stolen", "BOLO", "AMBER"]),
            "reader": "R1",
            "lat": 43.05,
            "lon": -87.95,
        }
        for stream in ("role.analyst", "role.supervisor"):
            rows.append(OutboxEvent(type="lpr.hit.raised", stream=stream, payload=payload))
    rng.shuffle(rows)
    OutboxEvent.objects.bulk_create(rows, batch_size=2000)
    # auto_now_add ignores the values set above: spread the events over the day afterwards.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE rtcc_outboxevent SET created_at = now() - (random() * interval '23 hours 50 minutes')")
    return len(rows)


def rules(admin: Any) -> list[Any]:
    def make(name: str, trigger: str, conditions: list[dict[str, Any]], cameras: int = 0) -> Any:
        return rule_create(
            user=admin,
            data={
                "name": name,
                "trigger": trigger,
                "conditions": conditions,
                "actions": {"raise_alert": {"priority": 2, "title": "{rule}"}, "attach_cameras": cameras},
            },
        )

    made = [
        make(
            "Armed violence P1",
            "incident",
            [
                {"field": "call_type", "op": "in", "value": ["SHOOTING", "ROBBERY ARMED"]},
                {"field": "priority", "op": "eq", "value": 1},
            ],
            cameras=3,
        )
    ]
    made += [
        make(
            f"District {d} P1",
            "incident",
            [{"field": "district", "op": "eq", "value": str(d)}, {"field": "priority", "op": "lte", "value": 1}],
        )
        for d in range(1, 6)
    ]
    made.append(make("Many rounds", "shots", [{"field": "rounds", "op": "gte", "value": 6}], cameras=2))
    made += [
        make(f"Hotlist {h}", "lpr_hit", [{"field": "hotlist", "op": "eq", "value": h}])
        for h in ("Stolen", "BOLO", "AMBER")
    ]
    return made


def main() -> dict[str, Any]:
    events_committed.disconnect(dispatch_uid="rules.enqueue_rule_run")  # no tasks into a broker
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        admin = user_ensure_with_role(username="bench-admin", password=secrets.token_urlsafe(24), role=Role.ADMIN)
        made = rules(admin)
        events = seed_events(random.Random(SEED))
        armed = made[0]
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            result = rule_dry_run(user=admin, rule=armed, name=armed.name, title="{rule}", hours=24)
            timings.append(time.perf_counter() - started)
        RuleCursor.objects.update_or_create(pk=1, defaults={"last_seq": 0})
        started = time.perf_counter()
        fired = rules_evaluate_new_events(max_batches=10_000, budget_seconds=3600)
        live_seconds = time.perf_counter() - started
        armed_alerts = RuleMatch.objects.filter(rule=armed).count()
        alerts = Alert.objects.count()
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    return {
        "id": "rules_eval",
        "what": f"rule dry-run (armed-violence rule, 24 h) and live run with {len(made)} enabled rules over "
        f"{events} outbox events ({INCIDENTS} incidents x {1 + UPDATES_PER_INCIDENT} events, {SHOTS} shots, "
        f"{HITS} LPR hits x 2 streams)",
        "events": events,
        "dry_run_median_ms": round(statistics.median(timings) * 1000, 1),
        "dry_run_matches": result["match_count"],
        "live_seconds": round(live_seconds, 2),
        "live_events_per_second": round(events / live_seconds),
        "alerts_fired": fired,
        "alerts_in_db": alerts,
        "live_matches_of_dry_run_rule": armed_alerts,
        "live_equals_dry_run": armed_alerts == result["match_count"],
    }


if __name__ == "__main__":
    outcome = main()
    for key, value in outcome.items():
        if key not in {"id", "what"}:
            print(f"{key}: {value}")
    print(json.dumps(outcome))
