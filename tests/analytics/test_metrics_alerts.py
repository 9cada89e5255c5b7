"""Alert metrics on a seeded week: every expected figure below was worked out by hand from SEED.

Agency time is America/Chicago (CST, UTC-6, in November after the 1st). The range is Mon 2 to
Sun 8 November 2026. percentile_cont interpolates: the p-th percentile of n sorted values sits at
position p*(n-1) (0-based) between the two nearest values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from alerts.models import Alert
from analytics.drill import drill_params, drill_records, parse_drill
from analytics.filters import MetricFilter
from analytics.metrics import alerts
from analytics.tables import Drill, Table

CHICAGO = ZoneInfo("America/Chicago")
WEEK = MetricFilter(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 8))


@pytest.fixture(autouse=True)
def chicago(settings: Any) -> None:
    # The expected figures are worked out in Chicago time, whatever RTCC_TIME_ZONE the run has.
    settings.TIME_ZONE = "America/Chicago"


def local(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


# key, type, created (local), seconds to ack, acked by, seconds to resolve, resolved by, disposition, rule
SEED: list[tuple[str, str, dt.datetime, int | None, str, int | None, str, str, tuple[int, str] | None]] = [
    ("S1", "shots_fired", local(2, 23, 30), 60, "ana", 600, "ana", "actionable", None),  # 05:30 UTC on the 3rd
    ("S2", "shots_fired", local(3, 0, 15), 120, "bob", 900, "bob", "false_positive", None),
    ("S3", "shots_fired", local(3, 8, 0), 300, "ana", 1200, "ana", "benign", None),
    ("S4", "shots_fired", local(4, 8, 40), 30, "bob", None, "", "", None),
    ("L1", "lpr_hit", local(4, 10, 0), 90, "ana", 300, "ana", "actionable", None),
    ("L2", "lpr_hit", local(5, 10, 20), 45, "bob", 45, "bob", "undetermined", None),  # resolved unacknowledged
    ("L3", "lpr_hit", local(5, 14, 0), None, "", None, "", "", None),
    ("F1", "feed_silent", local(6, 2, 0), None, "", 1800, "", "system", None),
    ("F2", "feed_silent", local(6, 3, 0), 600, "ana", 3600, "", "system", None),
    ("R1", "rule_match", local(7, 12, 0), 200, "ana", 400, "ana", "actionable", (5, "Plate near school")),
    ("R2", "rule_match", local(8, 23, 59), 100, "bob", 500, "sup", "benign", (5, "Plate near school v2")),
    ("R3", "rule_match", local(8, 9, 15), None, "", None, "", "", (9, "Shots near park")),
    # Outside the range: 00:30 on Mon the 9th, and 23:50 on Sun the 1st (05:50 UTC on the 2nd).
    ("O1", "shots_fired", local(9, 0, 30), 10, "ana", 20, "ana", "actionable", None),
    ("O2", "lpr_hit", local(1, 23, 50), 10, "bob", 20, "bob", "benign", None),
]


@pytest.fixture
def seeded(make_user: Callable[..., Any]) -> dict[str, Any]:
    users = {
        "ana": make_user("ana", Role.ANALYST),
        "bob": make_user("bob", Role.ANALYST),
        "sup": make_user("sup", Role.SUPERVISOR),
    }
    made = {}
    for key, type_, created, ack, acked_by, res, resolved_by, disposition, rule in SEED:
        status = "resolved" if res is not None else "acknowledged" if ack is not None else "new"
        alert = Alert.objects.create(
            type=type_,
            priority=2,
            title=f"Alert {key}",
            source_key=f"test:{key}",
            streams=["ops"],
            context={"rule": {"id": rule[0], "name": rule[1]}} if rule else {},
            status=status,
            disposition=disposition,
            acknowledged_by=users[acked_by] if acked_by else None,
            acknowledged_at=created + dt.timedelta(seconds=ack) if ack is not None else None,
            resolved_by=users[resolved_by] if resolved_by else None,
            resolved_at=created + dt.timedelta(seconds=res) if res is not None else None,
        )
        Alert.objects.filter(pk=alert.pk).update(created_at=created)
        made[key] = alert
    return {"users": users, "alerts": made}


def values(table: Table) -> list[dict[str, Any]]:
    return [dict(row.values) for row in table.rows]


@pytest.mark.django_db
def test_by_hour_uses_local_hours(seeded: dict[str, Any]) -> None:
    table = alerts.alerts_by_hour(WEEK)
    counts = {row["hour"]: row["alerts"] for row in values(table)}
    assert len(counts) == 24
    # S1 and R2 at 23:xx local (05:xx UTC); S2 at 00:15; F1 02:00; F2 03:00; S3, S4 08:xx; R3 09:15;
    # L1, L2 10:xx; R1 12:00; L3 14:00. O1 and O2 are outside the range.
    expected = {"00:00": 1, "02:00": 1, "03:00": 1, "08:00": 2, "09:00": 1, "10:00": 2, "12:00": 1, "14:00": 1}
    expected["23:00"] = 2
    assert {hour: n for hour, n in counts.items() if n} == expected
    assert sum(counts.values()) == 12
    assert table.rows[23].drill is not None and dict(table.rows[23].drill.filters) == {"hour": "23"}
    assert "do not apply" in table.note


@pytest.mark.django_db
def test_local_day_across_midnight(seeded: dict[str, Any]) -> None:
    # Monday 2 November alone: S1 (23:30 CST, already the 3rd in UTC) is in; O2 (23:50 on the 1st, which
    # is the 2nd in UTC) and S2 (00:15 on the 3rd, still the 3rd in UTC) are out.
    monday = MetricFilter(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 2))
    hours = {row["hour"]: row["alerts"] for row in values(alerts.alerts_by_hour(monday)) if row["alerts"]}
    assert hours == {"23:00": 1}
    over_time = values(alerts.alerts_over_time(monday))
    assert over_time == [{"date": dt.date(2026, 11, 2), "alerts": 1, "actionable": 1}]


@pytest.mark.django_db
def test_over_time_by_day(seeded: dict[str, Any]) -> None:
    table = alerts.alerts_over_time(WEEK)
    rows = [(row["date"].day, row["alerts"], row["actionable"]) for row in values(table)]
    # Actionable: S1 (2nd), L1 (4th), R1 (7th).
    assert rows == [(2, 1, 1), (3, 2, 0), (4, 2, 1), (5, 2, 0), (6, 2, 0), (7, 1, 1), (8, 2, 0)]
    assert table.rows[1].drill is not None and dict(table.rows[1].drill.filters) == {"day": "2026-11-03"}


@pytest.mark.django_db
def test_over_time_by_week_is_cut_to_the_range(seeded: dict[str, Any]) -> None:
    # Sun 1 .. Mon 9 by week: Sun 1 (O2, benign) | Mon 2 - Sun 8 (12, three actionable) | Mon 9 (O1, actionable).
    flt = MetricFilter(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 9), bucket_choice="week")
    table = alerts.alerts_over_time(flt)
    rows = [(row["date"].day, row["alerts"], row["actionable"]) for row in values(table)]
    assert rows == [(1, 1, 0), (2, 12, 3), (9, 1, 1)]
    assert table.title == "Alerts by week"
    assert table.rows[1].drill is not None
    assert dict(table.rows[1].drill.filters) == {"from": "2026-11-02", "to": "2026-11-08"}


@pytest.mark.django_db
def test_by_analyst(seeded: dict[str, Any]) -> None:
    table = alerts.alerts_by_analyst(WEEK)
    # ana acknowledged S1 60, S3 300, L1 90, F2 600, R1 200 -> sorted 60 90 200 300 600, median 200;
    #   resolved S1, S3, L1, R1 (F2 was cleared by its source).
    # bob acknowledged S2 120, S4 30, L2 45, R2 100 -> sorted 30 45 100 120, median (45+100)/2 = 72.5;
    #   resolved S2, L2 (R2 was resolved by sup).
    # sup acknowledged nothing, resolved R2.
    assert values(table) == [
        {"user": "ana", "acknowledged": 5, "median_ack": 200.0, "resolved": 4},
        {"user": "bob", "acknowledged": 4, "median_ack": 72.5, "resolved": 2},
        {"user": "sup", "acknowledged": 0, "median_ack": None, "resolved": 1},
    ]
    ana = seeded["users"]["ana"]
    assert table.rows[0].drill is not None and dict(table.rows[0].drill.filters) == {"user": str(ana.pk)}
    assert table.rows[2].drill is None


@pytest.mark.django_db
def test_response_times(seeded: dict[str, Any]) -> None:
    rows = values(alerts.alerts_response_times(WEEK))
    assert [row["type"] for row in rows] == ["Shots fired", "LPR hit", "Rule match", "Feed silent", "All"]
    by_type = {row.pop("type"): row for row in rows}
    # Shots: ack 30 60 120 300 -> median (60+120)/2 = 90; p90 at 2.7 -> 120 + 0.7*(300-120) = 246.
    #        resolve 600 900 1200 -> median 900; p90 at 1.8 -> 900 + 0.8*(1200-900) = 1140.
    assert by_type["Shots fired"] == {
        "alerts": 4,
        "acknowledged": 4,
        "ack_median": 90.0,
        "ack_p90": 246.0,
        "resolved": 3,
        "resolve_median": 900.0,
        "resolve_p90": 1140.0,
    }
    # LPR hit: ack 45 90 -> median 67.5, p90 45 + 0.9*45 = 85.5; resolve 45 300 -> 172.5, 45 + 0.9*255 = 274.5.
    assert by_type["LPR hit"] == {
        "alerts": 3,
        "acknowledged": 2,
        "ack_median": 67.5,
        "ack_p90": 85.5,
        "resolved": 2,
        "resolve_median": 172.5,
        "resolve_p90": 274.5,
    }
    # Rule match: ack 100 200 -> 150, 190; resolve 400 500 -> 450, 490.
    assert by_type["Rule match"] == {
        "alerts": 3,
        "acknowledged": 2,
        "ack_median": 150.0,
        "ack_p90": 190.0,
        "resolved": 2,
        "resolve_median": 450.0,
        "resolve_p90": 490.0,
    }
    # Feed silent: F2 acknowledged after 600 s; both cleared by the source, so no time to resolve.
    assert by_type["Feed silent"] == {
        "alerts": 2,
        "acknowledged": 1,
        "ack_median": 600.0,
        "ack_p90": 600.0,
        "resolved": 0,
        "resolve_median": None,
        "resolve_p90": None,
    }
    # All: ack 30 45 60 90 100 120 200 300 600 -> median 100; p90 at 7.2 -> 300 + 0.2*(600-300) = 360.
    #      resolve 45 300 400 500 600 900 1200 -> median 500; p90 at 5.4 -> 900 + 0.4*(1200-900) = 1020.
    assert by_type["All"] == {
        "alerts": 12,
        "acknowledged": 9,
        "ack_median": 100.0,
        "ack_p90": 360.0,
        "resolved": 7,
        "resolve_median": 500.0,
        "resolve_p90": 1020.0,
    }


def test_percentile_example_from_the_brief(db: None) -> None:
    # p90 of [60, 120, 300]: position 0.9*2 = 1.8 -> 120 + 0.8*(300-120) = 264.
    with connection.cursor() as cursor:
        cursor.execute("SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM unnest(ARRAY[60, 120, 300]) x")
        assert cursor.fetchone()[0] == 264.0


@pytest.mark.django_db
def test_dispositions_by_type(seeded: dict[str, Any]) -> None:
    table = alerts.alerts_dispositions_by_type(WEEK)
    rows = {row.pop("label"): row for row in values(table)}
    zero = {"actionable": 0, "benign": 0, "false_positive": 0, "undetermined": 0, "system": 0}
    # Shots: S1 actionable, S2 false positive, S3 benign, S4 open -> 1 of 3 person-resolved = 33.3 %.
    assert rows["Shots fired"] == {
        **zero,
        "alerts": 4,
        "actionable": 1,
        "false_positive": 1,
        "benign": 1,
        "open": 1,
        "actionable_share": 33.3,
    }
    assert rows["LPR hit"] == {
        **zero,
        "alerts": 3,
        "actionable": 1,
        "undetermined": 1,
        "open": 1,
        "actionable_share": 50.0,
    }
    assert rows["Feed silent"] == {**zero, "alerts": 2, "system": 2, "open": 0, "actionable_share": None}
    assert rows["Rule match"] == {
        **zero,
        "alerts": 3,
        "actionable": 1,
        "benign": 1,
        "open": 1,
        "actionable_share": 50.0,
    }
    # All: 3 actionable of 7 resolved by a person = 42.857 -> 42.9 %.
    assert rows["All"] == {
        "alerts": 12,
        "actionable": 3,
        "benign": 2,
        "false_positive": 1,
        "undetermined": 1,
        "system": 2,
        "open": 3,
        "actionable_share": 42.9,
    }
    assert table.rows[0].drill is not None and dict(table.rows[0].drill.filters) == {"type": "shots_fired"}


@pytest.mark.django_db
def test_dispositions_by_rule(seeded: dict[str, Any]) -> None:
    table = alerts.alerts_dispositions_by_rule(WEEK)
    # Rule 5 fired twice (R1 actionable, R2 benign); its latest alert (R2) names it "... v2". Rule 9: R3, open.
    assert values(table) == [
        {
            "label": "Plate near school v2 (#5)",
            "alerts": 2,
            "actionable": 1,
            "benign": 1,
            "false_positive": 0,
            "undetermined": 0,
            "system": 0,
            "open": 0,
            "actionable_share": 50.0,
        },
        {
            "label": "Shots near park (#9)",
            "alerts": 1,
            "actionable": 0,
            "benign": 0,
            "false_positive": 0,
            "undetermined": 0,
            "system": 0,
            "open": 1,
            "actionable_share": None,
        },
    ]
    assert table.rows[0].drill is not None
    assert dict(table.rows[0].drill.filters) == {"type": "rule_match", "rule": "5"}


@pytest.mark.django_db
def test_empty_range_and_keys(seeded: dict[str, Any]) -> None:
    empty = MetricFilter(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3))
    assert values(alerts.alerts_response_times(empty)) == []
    assert values(alerts.alerts_dispositions_by_type(empty)) == []
    assert values(alerts.alerts_by_analyst(empty)) == []
    assert sum(row["alerts"] for row in values(alerts.alerts_by_hour(empty))) == 0
    keys = [fn(WEEK).key for fn in alerts.TABLES]
    assert len(set(keys)) == 6 and all(key.startswith("alerts_") for key in keys)


@pytest.mark.django_db
def test_one_query_per_table(seeded: dict[str, Any]) -> None:
    for fn in alerts.TABLES:
        with CaptureQueriesContext(connection) as queries:
            table = fn(WEEK)
        assert len(queries) == 1, (table.key, [q["sql"] for q in queries])
        table.as_json()


def drilled(user: Any, flt: MetricFilter, drill: Drill) -> int:
    """How many records the row's drill-down link lists (through analytics.drill, as the page does)."""
    params = QueryDict(mutable=True)
    for name, value in drill_params(flt, drill.kind, drill.filters).items():
        params[name] = value
    return drill_records(user=user, query=parse_drill(drill.kind, params)).count()


@pytest.mark.django_db
def test_drill_downs_list_the_rows_alerts(seeded: dict[str, Any]) -> None:
    sup = seeded["users"]["sup"]
    checked = 0
    for fn, column in [
        (alerts.alerts_by_hour, "alerts"),
        (alerts.alerts_over_time, "alerts"),
        (alerts.alerts_response_times, "alerts"),
        (alerts.alerts_dispositions_by_type, "alerts"),
        (alerts.alerts_dispositions_by_rule, "alerts"),
        (alerts.alerts_by_analyst, "acknowledged"),
    ]:
        table = fn(WEEK)
        for row in table.rows:
            assert row.drill is not None or row[column] == 0, (table.key, row.values)
            if row.drill is not None:
                assert drilled(sup, WEEK, row.drill) == row[column], (table.key, row.values)
                checked += 1
    # 24 hours + 7 days + 5 response rows + 5 disposition rows + 2 rules + 2 analysts with acknowledgements.
    assert checked == 45
