"""LPR metrics on three seeded days: every expected figure below was worked out by hand from the seed.

Agency time is America/Chicago (CST, UTC-6 in November after the 1st). The range is Mon 2 to
Wed 4 November 2026. Reads go into the day partitions of lpr_read and are counted through the
ReadDaily rollup; hits are counted by the local day of read_at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from analytics.drill import drill_params, drill_records, parse_drill
from analytics.filters import MetricFilter
from analytics.metrics import lpr
from analytics.rollups import refresh_rollups
from analytics.tables import Drill, Table
from feeds import services as feed_services
from lpr.models import Hit, Hotlist, HotlistEntry
from lpr.partitions import days_between, ensure_partitions

CHICAGO = ZoneInfo("America/Chicago")
RANGE = MetricFilter(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 4))


@pytest.fixture(autouse=True)
def chicago(settings: Any) -> None:
    # The expected figures are worked out in Chicago time, whatever RTCC_TIME_ZONE the run has.
    settings.TIME_ZONE = "America/Chicago"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


READS = [
    local(1, 23),  # outside (05:00 UTC on the 2nd)
    *[local(2, 8), local(2, 9), local(2, 12), local(2, 18), local(2, 23, 30)],  # 5; the last is the 3rd in UTC
    *[local(3, 0, 10), local(3, 10), local(3, 20)],  # 3; 20:00 is the 4th in UTC
    *[local(4, 1), local(4, 7), local(4, 13), local(4, 22)],  # 4
    *[local(5, 0, 30), local(5, 12)],  # outside
]

# source, read at (local), status, reject reason, outcome
HITS = [
    ("ncic", local(2, 10), "unverified", "", ""),
    ("ncic", local(2, 23, 30), "actionable", "", "stop"),  # the 3rd in UTC
    ("ncic", local(3, 9), "actionable", "", "arrest"),
    ("ncic", local(3, 12), "rejected", "misread", ""),
    ("ncic", local(4, 8), "actionable", "", "not_located"),
    ("state", local(3, 13), "rejected", "misread", ""),
    ("state", local(4, 15), "rejected", "wrong_state", ""),
    ("state", local(4, 16), "actionable", "", "recovered"),
    ("state", local(4, 17), "actionable", "", ""),
    ("bolo", local(2, 8), "rejected", "vehicle_mismatch", ""),
    ("bolo", local(4, 23, 59), "unverified", "", ""),  # 05:59 UTC on the 5th
    # Outside the range.
    ("ncic", local(5, 0, 10), "actionable", "", "arrest"),
    ("state", local(1, 23), "rejected", "misread", ""),
]


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(local(10, 12), tick=False):
        yield


@pytest.fixture
def seeded(frozen: None, make_user: Callable[..., Any]) -> Any:
    analyst = make_user("ana", Role.ANALYST)
    supervisor = make_user("sup", Role.SUPERVISOR)
    feed, _ = feed_services.feed_create(name="Metrics LPR", kind="lpr", slug="metrics-lpr")
    ensure_partitions(days_between(min(READS), max(READS)))
    with connection.cursor() as cursor:
        for n, read_at in enumerate(READS):
            cursor.execute(
                "INSERT INTO lpr_read (read_at, feed_id, external_id, plate_raw, plate, received_at) "
                "VALUES (%s, %s, %s, 'ABC123', 'ABC123', %s)",
                [read_at, feed.pk, f"m-{n}", read_at],
            )
    refresh_rollups(full=True)
    entries = {}
    for source in ("ncic", "state", "bolo"):
        # Distributed to supervisors, so the drill-down test's supervisor sees every hit.
        hotlist = Hotlist.objects.create(
            name=f"List {source}", source=source, owner=analyst, distribution_roles=[Role.SUPERVISOR.value]
        )
        entries[source] = HotlistEntry.objects.create(
            hotlist=hotlist, plate="ABC123", plate_confusable="ABC123", reason="test"
        )
    for read_id, (source, read_at, status, reason, outcome) in enumerate(HITS, start=500):
        entry = entries[source]
        Hit.objects.create(
            read_id=read_id,
            read_at=read_at,
            entry=entry,
            hotlist=entry.hotlist,
            kind="exact",
            priority=1,
            plate="ABC123",
            status=status,
            reject_reason=reason,
            outcome=outcome,
            verified_by=None if status == "unverified" else analyst,
        )
    return supervisor


def values(table: Table) -> list[dict[str, Any]]:
    return [dict(row.values) for row in table.rows]


@pytest.mark.django_db
def test_funnel(seeded: Any) -> None:
    table = lpr.lpr_funnel(RANGE)
    # 12 reads; 11 hits (11/12 = 91.7 %); 9 verified (two unverified; 9/11 = 81.8 %); 5 actionable
    # (5/9 = 55.6 %); located: stop, arrest, recovered = 3 (3/5 = 60 %); not located: 1 (1/5 = 20 %).
    assert [(r["step"], r["count"], r["share"], r["of"]) for r in values(table)] == [
        ("Reads", 12, None, ""),
        ("Hits", 11, 91.7, "Reads"),
        ("Verified by a person", 9, 81.8, "Hits"),
        ("Actionable", 5, 55.6, "Verified"),
        ("Located: stop, recovery or arrest", 3, 60.0, "Actionable"),
        ("Not located (beside the funnel)", 1, 20.0, "Actionable"),
    ]
    assert table.chart is not None and table.chart.kind == "bar"
    assert table.rows[3].drill is not None and dict(table.rows[3].drill.filters) == {"status": "actionable"}
    assert table.note.startswith("Read counts from the rollup refreshed at 2026-11-10 12:00.")
    assert "do not apply" in table.note
    assert "Reads are kept" not in table.note


@pytest.mark.django_db
def test_outcomes(seeded: Any) -> None:
    table = lpr.lpr_outcomes(RANGE)
    # Of 5 actionable hits: stop 1, recovered 1, arrest 1, not located 1, none yet 1 -> 20 % each.
    assert values(table) == [
        {"outcome": "Stop made", "hits": 1, "share": 20.0},
        {"outcome": "Vehicle recovered", "hits": 1, "share": 20.0},
        {"outcome": "Arrest", "hits": 1, "share": 20.0},
        {"outcome": "Not located", "hits": 1, "share": 20.0},
        {"outcome": "No outcome recorded", "hits": 1, "share": 20.0},
    ]
    assert table.rows[2].drill is not None and dict(table.rows[2].drill.filters) == {"outcome": "arrest"}


@pytest.mark.django_db
def test_misread_rate(seeded: Any) -> None:
    table = lpr.lpr_misread_rate(RANGE)
    # 9 verified; rejected: 2 misread (22.2 %), 1 wrong state (11.1 %), 1 vehicle mismatch (11.1 %); 4 in all (44.4 %).
    assert values(table) == [
        {"reason": "Misread plate", "hits": 2, "rate": 22.2},
        {"reason": "Wrong state", "hits": 1, "rate": 11.1},
        {"reason": "Entry expired / cleared", "hits": 0, "rate": 0.0},
        {"reason": "Vehicle does not match", "hits": 1, "rate": 11.1},
        {"reason": "All rejections", "hits": 4, "rate": 44.4},
    ]
    assert table.rows[0].drill is not None
    assert dict(table.rows[0].drill.filters) == {"status": "rejected", "reject_reason": "misread"}


@pytest.mark.django_db
def test_by_source(seeded: Any) -> None:
    table = lpr.lpr_by_source(RANGE)
    outcomes = {"stop": 0, "recovered": 0, "arrest": 0, "not_located": 0}
    assert values(table) == [
        # NCIC: 5 hits, 1 unverified; actionable stop, arrest, not located; 1 misread of 4 verified.
        {
            "source": "NCIC",
            **{"hits": 5, "verified": 4, "actionable": 3, "rejected": 1, "misread": 1, "misread_rate": 25.0},
            **outcomes,
            "stop": 1,
            "arrest": 1,
            "not_located": 1,
        },
        # State: 4 hits, all verified; actionable recovered + one without outcome; misread 1, wrong state 1.
        {
            "source": "State list",
            **{"hits": 4, "verified": 4, "actionable": 2, "rejected": 2, "misread": 1, "misread_rate": 25.0},
            **outcomes,
            "recovered": 1,
        },
        # BOLO: 2 hits, 1 rejected as vehicle mismatch, 1 unverified.
        {
            "source": "Manual / local BOLO",
            **{"hits": 2, "verified": 1, "actionable": 0, "rejected": 1, "misread": 0, "misread_rate": 0.0},
            **outcomes,
        },
        {
            "source": "AMBER alert",
            **{"hits": 0, "verified": 0, "actionable": 0, "rejected": 0, "misread": 0, "misread_rate": None},
            **outcomes,
        },
        {
            "source": "All",
            **{"hits": 11, "verified": 9, "actionable": 5, "rejected": 4, "misread": 2, "misread_rate": 22.2},
            **{"stop": 1, "recovered": 1, "arrest": 1, "not_located": 1},
        },
    ]
    assert table.rows[1].drill is not None and dict(table.rows[1].drill.filters) == {"hotlist_source": "state"}


@pytest.mark.django_db
def test_over_time_by_local_day(seeded: Any) -> None:
    table = lpr.lpr_over_time(RANGE)
    # Reads 5, 3, 4 by local day (23:30 on the 2nd counts on the 2nd though it is the 3rd in UTC).
    # Hits: 2nd: 10:00, 23:30, 08:00 = 3; 3rd: 09:00, 12:00, 13:00 = 3; 4th: 08, 15, 16, 17, 23:59 = 5.
    assert [(r["date"].day, r["reads"], r["hits"], r["per_thousand"]) for r in values(table)] == [
        (2, 5, 3, 600.0),
        (3, 3, 3, 1000.0),
        (4, 4, 5, 1250.0),
    ]
    assert table.rows[0].drill is not None and dict(table.rows[0].drill.filters) == {"day": "2026-11-02"}


@pytest.mark.django_db
def test_over_time_by_week(seeded: Any) -> None:
    # Sun 1 .. Thu 5 by week: Sun 1 (1 read, 1 hit) | Mon 2 - Thu 5 (12 + 2 reads; 11 + 1 hits).
    flt = MetricFilter(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 5), bucket_choice="week")
    rows = [(r["date"].day, r["reads"], r["hits"]) for r in values(lpr.lpr_over_time(flt))]
    assert rows == [(1, 1, 1), (2, 14, 12)]


@pytest.mark.django_db
def test_one_day_across_midnight(seeded: Any) -> None:
    # Tuesday 3rd alone: 00:10, 10:00, 20:00 (the last is the 4th in UTC); the 23:30 read of the 2nd is not in.
    tuesday = MetricFilter(start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 3))
    funnel = {r["step"]: r["count"] for r in values(lpr.lpr_funnel(tuesday))}
    assert funnel["Reads"] == 3
    assert funnel["Hits"] == 3  # 09:00 arrest, 12:00 and 13:00 misreads; the 23:30 stop of the 2nd is not in


@pytest.mark.django_db
def test_reads_only_from_the_rollup(seeded: Any) -> None:
    expected_queries = {"lpr_funnel": 3, "lpr_over_time": 3, "lpr_outcomes": 1, "lpr_misread_rate": 1}
    expected_queries["lpr_by_source"] = 1
    for fn in lpr.TABLES:
        with CaptureQueriesContext(connection) as queries:
            table = fn(RANGE)
        sql = [q["sql"] for q in queries]
        assert not any(re.search(r'\blpr_read\b|"lpr_read"', s) for s in sql), sql
        assert len(sql) == expected_queries[table.key], (table.key, sql)
        table.as_json()
    assert len(lpr.TABLES) == len(expected_queries)


@pytest.mark.django_db
def test_rollup_not_refreshed_and_retention_note(frozen: None) -> None:
    # No rollup run yet; a range that starts 30 days or more before today (10 Nov) reaches past read retention.
    old = MetricFilter(start=dt.date(2026, 10, 11), end=dt.date(2026, 10, 12))
    note = lpr.lpr_funnel(old).note
    assert note.startswith("Read counts from the rollup, not refreshed yet.")
    assert "Reads are kept 30 days" in note
    assert [r["reads"] for r in values(lpr.lpr_over_time(old))] == [0, 0]


def drilled(user: Any, flt: MetricFilter, drill: Drill) -> int:
    """How many records the row's drill-down link lists (through analytics.drill, as the page does)."""
    params = QueryDict(mutable=True)
    for name, value in drill_params(flt, drill.kind, drill.filters).items():
        params[name] = value
    return drill_records(user=user, query=parse_drill(drill.kind, params)).count()


@pytest.mark.django_db
def test_drill_downs_list_the_rows_hits(seeded: Any) -> None:
    checked = 0
    for fn, column in [
        (lpr.lpr_funnel, "count"),
        (lpr.lpr_over_time, "hits"),
        (lpr.lpr_outcomes, "hits"),
        (lpr.lpr_misread_rate, "hits"),
        (lpr.lpr_by_source, "hits"),
    ]:
        table = fn(RANGE)
        for row in table.rows:
            if row.drill is not None:
                assert drilled(seeded, RANGE, row.drill) == row[column], (table.key, row.values)
                checked += 1
    # funnel 3 (hits, actionable, not located) + 3 days + 4 outcomes + 5 rejection rows + 5 source rows.
    assert checked == 20
