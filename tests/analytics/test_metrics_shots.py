"""Shots-fired metrics on a seeded fortnight; expected figures worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from alerts.models import Alert
from analytics.metrics import shots as metrics
from analytics.tables import Drill
from incidents.models import Incident
from shots.models import ShotsFired
from tests.analytics.test_metrics_incidents import at, case, drills, footage, fortnight, incident, link, log, values

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)


def shot(detected: str, district: str, with_incident: bool = True) -> ShotsFired:
    made_incident: Incident | None = incident(detected, district, "SHOTS FIRED") if with_incident else None
    return ShotsFired.objects.create(
        source="test-shots",
        external_id=f"S-{next(_ids)}",
        detected_at=at(detected),
        detection_type="multiple",
        district=district,
        incident=made_incident,
    )


def alert(for_shot: ShotsFired, acknowledged_by: Any, type: str = "shots_fired") -> Alert:
    return Alert.objects.create(
        type=type, priority=1, title="Shots fired", source_key=f"shots:{for_shot.pk}", acknowledged_by=acknowledged_by
    )


@pytest.fixture
def world(analyst: Any) -> dict[str, ShotsFired]:
    s = {
        "s1": shot("2026-10-05 02:00", "1"),
        "s2": shot("2026-10-06 03:00", "1"),
        "s3": shot("2026-10-12 22:30", "2", with_incident=False),
        "s4": shot("2026-10-13 01:00", "2"),
        "s5": shot("2026-10-14 04:00", "2"),
        "s6": shot("2026-10-19 00:30", "1"),  # after the range
        "s7": shot("2026-10-04 23:00", "2"),  # before the range
        "s8": shot("2026-10-15 12:00", "1"),
        "s9": shot("2026-10-16 09:00", "2"),
    }
    # s1: its alert acknowledged; footage for its incident at 02:10 (600 s).
    alert(s["s1"], analyst)
    footage(analyst, s["s1"].incident, "2026-10-05 02:10")
    # s2: alert never acknowledged, nothing else: no action.
    alert(s["s2"], None)
    # s3: a case links the detection itself; camera reviewed 22:50 (1200 s).
    x = case(analyst)
    link(analyst, x, "shots", s["s3"].pk)
    log(analyst, x, "camera_reviewed", "2026-10-12 22:50")
    # s4: a case links its incident; reviewed 00:50 is before the detection (ignored); camera link 01:30 (1800 s).
    y = case(analyst)
    link(analyst, y, "incident", s["s4"].incident_id)
    log(analyst, y, "camera_reviewed", "2026-10-13 00:50")
    link(analyst, y, "camera", 77, added="2026-10-13 01:30")
    # s5: a footage request for its incident (actioned), but dated before the detection: no camera time.
    footage(analyst, s["s5"].incident, "2026-10-14 03:00")
    # s6, s7 outside the range, actioned all the same.
    alert(s["s6"], analyst)
    alert(s["s7"], analyst)
    # s8: an acknowledged alert of another type with the same key is not its shots-fired alert.
    alert(s["s8"], analyst, type="cad_call")
    # s9: acknowledged alert, and a case on it with a camera link at 09:50 (3000 s).
    alert(s["s9"], analyst)
    z = case(analyst)
    link(analyst, z, "shots", s["s9"].pk)
    link(analyst, z, "camera", 78, added="2026-10-16 09:50")
    return s


def test_actioned_by_week(world: dict[str, ShotsFired]) -> None:
    table = metrics.actioned_over_time(fortnight(bucket_choice="week"))
    # Week of 5 Oct: s1 (actioned), s2 (not) -> 2, 1, 50 %.
    # Week of 12 Oct: s3 s4 s5 s9 actioned, s8 not -> 5, 4, 80 %.
    assert values(table, "date", "detections", "actioned", "share") == [
        (dt.date(2026, 10, 5), 2, 1, 50.0),
        (dt.date(2026, 10, 12), 5, 4, 80.0),
    ]
    assert drills(table)[0] == Drill("shots", {"from": "2026-10-05", "to": "2026-10-11", "actioned": "1"})
    assert table.key == "shots_actioned_over_time"


def test_actioned_by_day_uses_the_local_day(world: dict[str, ShotsFired]) -> None:
    table = metrics.actioned_over_time(fortnight())
    rows = {row.values["date"]: (row.values["detections"], row.values["actioned"]) for row in table.rows}
    # s3 at 22:30 local on the 12th (03:30 UTC on the 13th) belongs to the 12th; s4 to the 13th.
    assert rows[dt.date(2026, 10, 12)] == (1, 1)
    assert rows[dt.date(2026, 10, 13)] == (1, 1)
    assert rows[dt.date(2026, 10, 15)] == (1, 0)
    assert sum(n for n, _ in rows.values()) == 7


def test_time_to_first_camera(world: dict[str, ShotsFired]) -> None:
    table = metrics.first_camera_by_district(fortnight())
    # District 2: s3 1200, s4 1800, s9 3000 -> median 1800; p90 at 1.8: 1800 + 0.8 x 1200 = 2760.
    # District 1: s1 600. All: 600 1200 1800 3000 -> median 1500; p90 at 2.7: 1800 + 0.7 x 1200 = 2640.
    assert values(table, "district", "detections", "median", "p90") == [
        ("2", 3, 1800.0, 2760.0),
        ("1", 1, 600.0, 600.0),
        ("All", 4, 1500.0, 2640.0),
    ]
    assert drills(table) == [
        Drill("shots", {"district": "2", "actioned": "1"}),
        Drill("shots", {"district": "1", "actioned": "1"}),
        Drill("shots", {"actioned": "1"}),
    ]


def test_district_filter_and_call_types_ignored(world: dict[str, ShotsFired]) -> None:
    district_1 = fortnight(district="1", bucket_choice="week")
    # District 1: week 1 s1 s2 (s1 actioned); week 2 s8 only, not actioned -> 0 %.
    assert values(metrics.actioned_over_time(district_1), "detections", "actioned", "share") == [
        (2, 1, 50.0),
        (1, 0, 0.0),
    ]
    assert values(metrics.first_camera_by_district(district_1), "district", "detections", "median") == [
        ("1", 1, 600.0),
        ("All", 1, 600.0),
    ]
    # Detections have no call type: a call-type filter changes nothing.
    robbery = fortnight(call_types=("ROBBERY",), bucket_choice="week")
    assert values(metrics.actioned_over_time(robbery), "detections", "actioned") == [(2, 1), (5, 4)]
    assert "Call-type filters do not apply" in metrics.actioned_over_time(robbery).note
