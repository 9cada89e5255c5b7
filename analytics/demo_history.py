"""Demo history for the analytics dashboards: ~60 days of incidents, cases, alerts, hits and shots.

Everything here is demo data built from the Milwaukee calls of demo/milwaukee_calls_2018-05-01_03.csv,
each CSV day replayed onto past local days. Every row is marked so it can be found again: incidents
and shots have source SOURCE, cases numbers start with CASE_PREFIX, alerts carry
context["demo_history"], hits a vehicle ending in HIT_MARK, reads an external id starting with
READ_PREFIX. Counts are fixed by construction (see the PER_DAY_* constants) so tests can check them.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from alerts.models import Alert
from cameras.models import FootageRequest
from cases.models import Case, CaseLogEntry
from incidents.models import CallType, Incident
from incidents.replay import call_duration, read_milwaukee
from lpr.models import Hit, Hotlist, Reader
from lpr.partitions import days_between, ensure_partitions
from lpr.services.reads import COLUMNS as READ_COLUMNS
from rtcc.geo import locate
from shots.models import ShotsFired

SOURCE = "demo-history"
CASE_PREFIX = "RTCC-DEMO-"
HIT_MARK = "(demo history)"
READ_PREFIX = "demo-history-"
CASE_EVERY = 33  # one incident in 33 (~3 %) gets a case
PER_DAY_CAD_ALERTS = 10
PER_DAY_RULE_ALERTS = 3
PER_DAY_SHOTS = 2
PER_DAY_HITS = 5
DEFAULT_PRIORITY = 3
SEED = 20180501


@dataclass
class Plan:
    """What to seed: the local days (oldest first), the cap on incidents, reads per read day."""

    days: list[dt.date]
    max_incidents: int
    read_days: int
    reads_per_day: int
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    now: dt.datetime = field(default_factory=timezone.now)

    def past(self, moment: dt.datetime) -> dt.datetime:
        """`moment`, or a second ago when it would lie in the future (yesterday's late calls)."""
        return min(moment, self.now - dt.timedelta(seconds=1))


def local_moment(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=timezone.get_default_timezone())


def sample_stride(total: int, keep: int) -> list[bool]:
    """Keep exactly min(total, keep) of `total` items, evenly spread."""
    if keep >= total:
        return [True] * total
    return [(i * keep) // total != ((i + 1) * keep) // total for i in range(total)]


def build_incidents(plan: Plan, csv_path: Path) -> list[Incident]:
    """Unsaved incidents: CSV day i % 3 on plan day i, sampled down to plan.max_incidents, oldest first."""
    rows = read_milwaukee(csv_path)
    by_day: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_day.setdefault(row["time"][:10], []).append(row)
    csv_days = [by_day[key] for key in sorted(by_day)]
    pairs = [(day, row) for index, day in enumerate(plan.days) for row in csv_days[index % len(csv_days)]]
    keep = sample_stride(len(pairs), plan.max_incidents)
    priorities = dict(CallType.objects.values_list("code", "default_priority"))
    incidents = []
    for (day, row), kept in zip(pairs, keep, strict=True):
        if not kept:
            continue
        received = local_moment(day, dt.datetime.fromisoformat(row["time"]).time())
        duration = call_duration(row["id"])
        try:
            point, status = locate(float(row["latitude"]), float(row["longitude"]))
        except ValueError:
            point, status = locate(None, None)
        stages = {
            "dispatched_at": received + duration * 0.15,
            "arrived_at": received + duration * 0.35,
            "closed_at": received + duration,
        }
        reached = {name: moment for name, moment in stages.items() if moment <= plan.now}
        state = {3: "closed", 2: "on_scene", 1: "dispatched", 0: "received"}[len(reached)]
        incidents.append(
            Incident(
                source=SOURCE,
                external_id=f"{day:%Y%m%d}-{row['id']}",
                call_type=row["nature"][:64],
                priority=priorities.get(row["nature"], DEFAULT_PRIORITY),
                status=state,
                received_at=min(received, plan.now),
                address=row["location"].removesuffix(",MKE").strip()[:255],
                location=point,
                location_status=status,
                district=row["district"][:16],
                disposition=row["status"][:128] if state == "closed" else "",
                **reached,
            )
        )
    return incidents


HitReads = dict[tuple[dt.date, int], tuple[int, dt.datetime]]


def insert_reads(plan: Plan, feed_id: int, readers: list[Reader], hit_plates: dict[dt.date, list[str]]) -> HitReads:
    """Reads for the last plan.read_days days: plan.reads_per_day a day, of which the day's hit plates.

    Returns {(day, n): (read id, read_at)} for the hit reads. Set-based: one INSERT … SELECT a day.
    """
    read_days = plan.days[-plan.read_days :] if plan.read_days else []
    if not readers or plan.reads_per_day <= 0 or not read_days:
        return {}
    first, last = local_moment(read_days[0], dt.time()), local_moment(read_days[-1], dt.time(23, 59, 59))
    ensure_partitions(days_between(first, last))
    columns = ", ".join(READ_COLUMNS)
    reader_ids = [r.pk for r in readers]
    hit_reads: HitReads = {}
    with connection.cursor() as cursor:
        for day in read_days:
            start = local_moment(day, dt.time())
            step = int(86_400_000_000 / plan.reads_per_day)
            plates = hit_plates.get(day, [])
            random_reads = max(plan.reads_per_day - len(plates), 0)
            cursor.execute(
                f"""
                INSERT INTO lpr_read ({columns})
                SELECT %(start)s::timestamptz + g * %(step)s * interval '1 microsecond', %(feed)s, r.id,
                       %(prefix)s || %(day)s || '-' || g, p.plate, p.plate, 'WI', 60 + (g %% 40), r.location,
                       r.direction, (ARRAY['Toyota','Ford','Honda','Chevrolet',''])[1 + g %% 5], '',
                       (ARRAY['silver','black','white',''])[1 + g %% 4], '', ''
                FROM generate_series(0::bigint, %(count)s::bigint - 1) g
                CROSS JOIN LATERAL (SELECT abs(hashint8(g + %(salt)s::bigint)::bigint) AS v) h
                CROSS JOIN LATERAL (
                    SELECT chr(65 + (h.v %% 26)::int) || chr(65 + (h.v / 26 %% 26)::int)
                           || chr(65 + (h.v / 676 %% 26)::int) || lpad((h.v / 17576 %% 10000)::text, 4, '0') AS plate
                ) p
                JOIN lpr_reader r ON r.id = (%(readers)s::int[])[1 + g %% %(reader_count)s]
                """,  # noqa: S608 (constant SQL; values are bound parameters)
                {
                    "start": start,
                    "step": step,
                    "feed": feed_id,
                    "prefix": READ_PREFIX,
                    "day": f"{day:%Y%m%d}",
                    "count": random_reads,
                    "salt": day.toordinal() * 100_000,
                    "readers": reader_ids,
                    "reader_count": len(reader_ids),
                },
            )
            for n, plate in enumerate(plates):
                reader = readers[n % len(readers)]
                read_at = plan.past(hit_read_time(day, n))
                cursor.execute(
                    f"""
                    INSERT INTO lpr_read ({columns})
                    VALUES (%s, %s, %s, %s, %s, %s, 'WI', 91, %s, %s, 'Honda', 'Civic', 'silver', 'sedan', '')
                    RETURNING id
                    """,  # noqa: S608 (constant SQL; values are bound parameters)
                    [
                        read_at,
                        feed_id,
                        reader.pk,
                        f"{READ_PREFIX}{day:%Y%m%d}-hit{n}",
                        plate,
                        plate,
                        reader.location.ewkt if reader.location else None,
                        reader.direction,
                    ],
                )
                hit_reads[(day, n)] = (int(cursor.fetchone()[0]), read_at)
    return hit_reads


def hit_read_time(day: dt.date, n: int) -> dt.datetime:
    return local_moment(day, dt.time(7 + 3 * n, 10 + n))


HIT_PLAN = [  # per hit of a day: (status, reject reason or outcome choices)
    ("unverified", ""),
    ("actionable", "outcome"),
    ("actionable", "maybe_outcome"),
    ("rejected", "misread"),
    ("rejected", "other_reason"),
]
OUTCOMES = ["stop", "recovered", "arrest", "not_located"]
OTHER_REASONS = ["wrong_state", "entry_expired", "vehicle_mismatch"]


def build_hits(plan: Plan, hotlist: Hotlist, readers: list[Reader], analyst: Any, hit_reads: HitReads) -> list[Hit]:
    """PER_DAY_HITS hits a day on the demo hotlist; on read days they point at the inserted reads,
    earlier (past read retention) at synthetic negative read ids nothing joins on."""
    entries = list(hotlist.entries.order_by("pk"))
    hits = []
    for day in plan.days:
        for n in range(PER_DAY_HITS):
            entry = entries[(day.toordinal() + n) % len(entries)]
            reader = readers[n % len(readers)] if readers else None
            read_id, read_at = hit_reads.get((day, n), (-(day.toordinal() * 10 + n), plan.past(hit_read_time(day, n))))
            status, detail = HIT_PLAN[n]
            hit = Hit(
                read_id=read_id,
                read_at=read_at,
                entry=entry,
                hotlist=hotlist,
                kind="exact",
                priority=hotlist.priority,
                plate=entry.plate,
                state="WI",
                confidence=91.0,
                location=reader.location if reader else None,
                reader=reader,
                vehicle=f"Silver Honda Civic {HIT_MARK}",
                status=status,
            )
            hit.created_at = read_at + dt.timedelta(seconds=2)
            if status != "unverified":
                hit.verified_by, hit.verified_at = analyst, plan.past(read_at + dt.timedelta(minutes=1 + n))
            if detail == "misread":
                hit.reject_reason = "misread"
            elif detail == "other_reason":
                hit.reject_reason = OTHER_REASONS[day.toordinal() % 3]
            elif detail == "outcome" or (detail == "maybe_outcome" and day.toordinal() % 2):
                hit.outcome = OUTCOMES[day.toordinal() % 4] if detail == "outcome" else "not_located"
                hit.outcome_by, hit.outcome_at = analyst, plan.past(read_at + dt.timedelta(minutes=35))
            hits.append(hit)
    return hits


def stable_seconds(key: str, low: int, high: int) -> int:
    """A duration in [low, high] seconds, stable for `key` (no shared random state)."""
    return low + zlib.crc32(key.encode()) % (high - low + 1)


@transaction.atomic
def reset_history() -> int:
    """Remove the demo-history rows (and only those). Cameras keep their spread dates; handover notes
    are append-only (the database refuses DELETE), so they and their sign-ons stay."""
    Alert.objects.filter(context__demo_history=True).delete()
    FootageRequest.objects.filter(incident__source=SOURCE).delete()
    demo_cases = Case.objects.filter(number__startswith=CASE_PREFIX)
    # The case log is append-only (a trigger refuses DELETE); demo history may remove its own entries.
    # ALTER TABLE refuses while deferred FK checks are pending (rows written in this transaction).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE cases_caselogentry DISABLE TRIGGER cases_log_append_only")
        CaseLogEntry.objects.filter(case__in=demo_cases).delete()
        cursor.execute("ALTER TABLE cases_caselogentry ENABLE TRIGGER cases_log_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    demo_cases.delete()
    ShotsFired.objects.filter(source=SOURCE).delete()
    Hit.objects.filter(vehicle__endswith=HIT_MARK).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM lpr_read WHERE external_id LIKE %s", [READ_PREFIX + "%"])
    removed = Incident.objects.filter(source=SOURCE).count()
    Incident.objects.filter(source=SOURCE).delete()
    return removed
