"""RTCC assists and time to first camera: a seeded fortnight, expected figures worked out by hand.

The helpers at the top build the records the other metric tests need too (cases, links, log
entries, footage requests at given times); they are plain functions, imported by those tests.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from analytics.filters import MetricFilter
from analytics.metrics import incidents as metrics
from analytics.rollups import refresh_rollups
from analytics.tables import Drill, Table
from cameras.models import Camera, FootageRequest
from cases.models import Case, CaseLink, CaseLogEntry
from incidents.models import Incident
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
_numbers = itertools.count(1)


def at(local: str) -> dt.datetime:
    """An instant given as Chicago wall-clock time, e.g. "2026-10-05 09:00"."""
    return dt.datetime.fromisoformat(local).replace(tzinfo=CHICAGO)


def incident(received: str, district: str, call_type: str, final: str = "", **fields: Any) -> Incident:
    return IncidentFactory(
        received_at=at(received), district=district, call_type=call_type, final_call_type=final, **fields
    )


def case(
    user: Any, *, created: str = "2026-10-06 12:00", contributions: tuple[str, ...] = (), outcome: str = "unknown"
) -> Case:
    opened = Case.objects.create(
        number=f"RTCC-2026-{next(_numbers):06d}",
        title="Seeded case",
        lead=user,
        created_by=user,
        contributions=list(contributions),
        outcome=outcome,
    )
    Case.objects.filter(pk=opened.pk).update(created_at=at(created))
    return opened


def link(user: Any, to: Case, kind: str, object_id: int, added: str = "2026-10-20 00:00") -> CaseLink:
    made = CaseLink.objects.create(case=to, kind=kind, object_id=object_id, added_by=user)
    CaseLink.objects.filter(pk=made.pk).update(added_at=at(added))
    return made


def log(user: Any, to: Case, kind: str, action: str) -> CaseLogEntry:
    return CaseLogEntry.objects.create(case=to, kind=kind, text="seeded", author=user, action_at=at(action))


def footage(user: Any, for_incident: Incident, requested: str, camera: Camera | None = None) -> FootageRequest:
    made = FootageRequest.objects.create(
        camera=camera or CameraFactory(),
        incident=for_incident,
        window_start=for_incident.received_at,
        window_end=for_incident.received_at + dt.timedelta(minutes=30),
        reason="seeded",
        requested_by=user,
    )
    FootageRequest.objects.filter(pk=made.pk).update(requested_at=at(requested))
    return made


def values(table: Table, *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row.values[k] for k in keys) for row in table.rows]


def drills(table: Table) -> list[Drill | None]:
    return [row.drill for row in table.rows]


# Fortnight Mon 2026-10-05 .. Sun 2026-10-18 (CDT, UTC-5). "1"/"2" are districts.
def fortnight(**options: Any) -> MetricFilter:
    return MetricFilter(start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 18), **options)


@pytest.fixture
def world(analyst: Any) -> dict[str, Incident]:
    i = {
        "i1": incident("2026-10-05 09:00", "1", "ROBBERY"),
        "i2": incident("2026-10-06 10:00", "1", "ROBBERY"),
        "i3": incident("2026-10-12 12:00", "1", "THEFT", final="ROBBERY"),  # reclassified: counts as ROBBERY
        "i4": incident("2026-10-12 23:30", "2", "THEFT"),  # 04:30 UTC on the 13th: local day the 12th
        "i5": incident("2026-10-18 23:59", "2", "ASSAULT"),  # last minute of the range
        "i6": incident("2026-10-19 00:10", "2", "ASSAULT"),  # after the range
        "i7": incident("2026-10-04 23:50", "1", "THEFT"),  # before the range
        "i8": incident("2026-10-14 08:00", "2", "THEFT"),
        "i9": incident("2026-10-05 00:00", "2", "ASSAULT"),  # first instant of the range
    }
    a, b, c = case(analyst), case(analyst), case(analyst)
    link(analyst, a, "incident", i["i1"].pk)
    link(analyst, a, "incident", i["i7"].pk)
    link(analyst, b, "incident", i["i3"].pk)
    link(analyst, b, "incident", i["i4"].pk)
    link(analyst, c, "incident", i["i6"].pk)
    link(analyst, c, "incident", i["i9"].pk)
    link(analyst, c, "alert", i["i2"].pk)  # an alert link with the same number: not an incident link
    # Camera actions. i1: reviewed 09:05 (300 s) before its footage request 09:10.
    log(analyst, a, "camera_reviewed", "2026-10-05 09:05")
    footage(analyst, i["i1"], "2026-10-05 09:10")
    log(analyst, a, "note", "2026-10-05 09:01")  # a note is not a camera action
    # i2: footage request 10:40 (2400 s), no case.
    footage(analyst, i["i2"], "2026-10-06 10:40")
    # i3: request 11:00 and review 11:50 come before it was received (ignored); camera link 12:20 (1200 s).
    footage(analyst, i["i3"], "2026-10-12 11:00")
    log(analyst, b, "camera_reviewed", "2026-10-12 11:50")
    link(analyst, b, "camera", 4242, added="2026-10-12 12:20")
    # i4 (same case b, received 23:30): the case's earlier actions do not count; own request 23:45 (900 s).
    footage(analyst, i["i4"], "2026-10-12 23:45")
    # i9: case c reviewed 01:00 (3600 s); also counts for i6, which is outside the range.
    log(analyst, c, "camera_reviewed", "2026-10-05 01:00")
    footage(analyst, i["i7"], "2026-10-05 00:30")  # i7 is outside the range
    refresh_rollups(full=True)
    return i


def test_assists_by_call_type(world: dict[str, Incident]) -> None:
    table = metrics.assists_by_call_type(fortnight())
    # In range: i1 i2 i3 i4 i5 i8 i9. ROBBERY = i1 i2 i3 (i3 reclassified), assisted i1 i3 -> 2/3 = 66.7 %.
    # ASSAULT = i5 i9, assisted i9 -> 50 %. THEFT = i4 i8, assisted i4 -> 50 %. i2's alert link is no assist.
    assert values(table, "label", "incidents", "assisted", "share") == [
        ("ROBBERY", 3, 2, 66.7),
        ("ASSAULT", 2, 1, 50.0),
        ("THEFT", 2, 1, 50.0),
    ]
    assert drills(table)[0] == Drill("incidents", {"call_type": "ROBBERY", "assisted": "1"})
    assert table.key == "incidents_assists_by_call_type"
    assert table.note.startswith("Incident counts from the rollup refreshed at ")


def test_assists_by_district(world: dict[str, Incident]) -> None:
    table = metrics.assists_by_district(fortnight())
    # District 2 = i4 i5 i8 i9, assisted i4 i9 -> 50 %; district 1 = i1 i2 i3, assisted i1 i3 -> 66.7 %.
    assert values(table, "label", "incidents", "assisted", "share") == [("2", 4, 2, 50.0), ("1", 3, 2, 66.7)]
    assert drills(table) == [
        Drill("incidents", {"district": "2", "assisted": "1"}),
        Drill("incidents", {"district": "1", "assisted": "1"}),
    ]


def test_assists_by_week_and_month(world: dict[str, Incident]) -> None:
    weekly = metrics.assists_over_time(fortnight(bucket_choice="week"))
    # Week of 5 Oct: i1 i2 i9, assisted i1 i9. Week of 12 Oct: i3 i4 i5 i8, assisted i3 i4.
    assert values(weekly, "date", "incidents", "assisted", "share") == [
        (dt.date(2026, 10, 5), 3, 2, 66.7),
        (dt.date(2026, 10, 12), 4, 2, 50.0),
    ]
    assert drills(weekly)[1] == Drill("incidents", {"from": "2026-10-12", "to": "2026-10-18", "assisted": "1"})
    assert weekly.chart is not None and weekly.chart.x == "date"
    monthly = metrics.assists_over_time(fortnight(bucket_choice="month"))
    # One month, cut to the range: all 7 incidents, 4 assisted.
    assert values(monthly, "date", "incidents", "assisted") == [(dt.date(2026, 10, 5), 7, 4)]
    assert drills(monthly) == [Drill("incidents", {"from": "2026-10-05", "to": "2026-10-18", "assisted": "1"})]


def test_assists_by_day_uses_the_local_day(world: dict[str, Incident]) -> None:
    daily = metrics.assists_over_time(fortnight())  # 14 days: day buckets by default
    rows = {row.values["date"]: (row.values["incidents"], row.values["assisted"]) for row in daily.rows}
    assert len(rows) == 14
    # 5th: i1 i9 (both assisted); 12th: i3 and i4 (23:30 local, the 13th in UTC); 13th: nothing.
    assert rows[dt.date(2026, 10, 5)] == (2, 2)
    assert rows[dt.date(2026, 10, 12)] == (2, 2)
    assert rows[dt.date(2026, 10, 13)] == (0, 0)
    assert rows[dt.date(2026, 10, 18)] == (1, 0)  # i5 at 23:59
    assert sum(n for n, _ in rows.values()) == 7
    assert daily.rows[7].drill == Drill("incidents", {"day": "2026-10-12", "assisted": "1"})


def test_a_week_cut_by_the_range_starts_at_the_range(world: dict[str, Incident]) -> None:
    table = metrics.assists_over_time(
        MetricFilter(start=dt.date(2026, 10, 7), end=dt.date(2026, 10, 13), bucket_choice="week")
    )
    # 7-11 Oct: nothing (i2 is on the 6th); 12-13 Oct: i3 i4, both assisted.
    assert values(table, "date", "incidents", "assisted") == [
        (dt.date(2026, 10, 7), 0, 0),
        (dt.date(2026, 10, 12), 2, 2),
    ]
    assert table.rows[0].values["share"] is None


def test_district_and_call_type_filters(world: dict[str, Incident]) -> None:
    by_type = metrics.assists_by_call_type(fortnight(district="2"))
    # District 2 only: ASSAULT i5 i9 (i9 assisted), THEFT i4 i8 (i4 assisted).
    assert values(by_type, "label", "incidents", "assisted") == [("ASSAULT", 2, 1), ("THEFT", 2, 1)]
    robbery = metrics.assists_by_district(fortnight(call_types=("ROBBERY",)))
    assert values(robbery, "label", "incidents", "assisted") == [("1", 3, 2)]  # i3 counts as ROBBERY
    theft = metrics.assists_by_district(fortnight(call_types=("THEFT",)))
    assert values(theft, "label", "incidents", "assisted") == [("2", 2, 1)]  # i3 is not THEFT any more


def test_time_to_first_camera(world: dict[str, Incident]) -> None:
    table = metrics.first_camera_by_call_type(fortnight())
    # ROBBERY: i1 300 s, i3 1200 s, i2 2400 s -> median 1200; p90 at 0.9 x 2 = 1.8: 1200 + 0.8 x 1200 = 2160.
    # ASSAULT: i9 3600 s. THEFT: i4 900 s. i5 and i8 have no action; i6, i7 are outside the range.
    # All: 300 900 1200 2400 3600 -> median 1200; p90 at 0.9 x 4 = 3.6: 2400 + 0.6 x 1200 = 3120.
    assert values(table, "call_type", "incidents", "median", "p90") == [
        ("ROBBERY", 3, 1200.0, 2160.0),
        ("ASSAULT", 1, 3600.0, 3600.0),
        ("THEFT", 1, 900.0, 900.0),
        ("All", 5, 1200.0, 3120.0),
    ]
    assert drills(table)[0] == Drill("incidents", {"call_type": "ROBBERY", "first_camera": "1"})
    assert drills(table)[-1] == Drill("incidents", {"first_camera": "1"})


def test_time_to_first_camera_filtered(world: dict[str, Incident]) -> None:
    table = metrics.first_camera_by_call_type(fortnight(district="1"))
    # District 1: i1 300, i3 1200, i2 2400 (all ROBBERY) -> the ROBBERY row and an identical All row.
    assert values(table, "call_type", "incidents", "median", "p90") == [
        ("ROBBERY", 3, 1200.0, 2160.0),
        ("All", 3, 1200.0, 2160.0),
    ]
    empty = metrics.first_camera_by_call_type(fortnight(call_types=("BURGLARY",)))
    assert empty.rows == []


def test_tables_are_listed_in_order() -> None:
    listed = metrics.TABLES
    assert listed == [
        metrics.assists_by_call_type,
        metrics.assists_by_district,
        metrics.assists_over_time,
        metrics.first_camera_by_call_type,
    ]


def test_incidents_without_a_district(analyst: Any) -> None:
    assisted = incident("2026-10-06 10:00", "", "WELFARE")
    incident("2026-10-07 10:00", "", "WELFARE")
    link(analyst, case(analyst), "incident", assisted.pk)
    refresh_rollups(full=True)
    table = metrics.assists_by_district(fortnight())
    # Two incidents with no district, one assisted: labelled "(none)", drilled with an empty district.
    assert values(table, "label", "incidents", "assisted", "share") == [("(none)", 2, 1, 50.0)]
    assert drills(table) == [Drill("incidents", {"district": "", "assisted": "1"})]


def test_every_table_has_a_unique_prefixed_key_and_copes_with_no_data(db: None) -> None:
    from analytics.metrics import cameras, cases, shots

    keys = []
    for module, prefix in ((metrics, "incidents_"), (shots, "shots_"), (cases, "cases_"), (cameras, "cameras_")):
        for fn in module.TABLES:
            table = fn(fortnight())
            assert table.key.startswith(prefix) and table.definition
            assert all(set(row.values) == set(table.column_keys()) for row in table.rows)
            keys.append(table.key)
    assert len(keys) == len(set(keys)) == 12
    # Nothing refreshed yet: the note says so instead of printing a time.
    assert metrics.assists_by_call_type(fortnight()).note == "Incident counts from the rollup, not refreshed yet."
