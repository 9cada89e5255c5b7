"""Camera network metrics on a seeded fortnight; expected figures worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from analytics.metrics import cameras as metrics
from analytics.rollups import refresh_rollups
from analytics.tables import Drill
from cameras.models import Camera
from tests.analytics.test_metrics_incidents import at, drills, fortnight, incident, values
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

SOURCES = ("admin", "community", "import", "total")
OWNERS = ("city", "traffic", "school", "transit", "business", "residential", "total")
FAR = Point(-88.30, 42.80, srid=4326)  # tens of km from every incident


def camera(created: str, source: str, owner_type: str, tier: str, status: str, location: Point = FAR) -> Camera:
    made = CameraFactory(source=source, owner_type=owner_type, tier=tier, status=status, location=location)
    Camera.objects.filter(pk=made.pk).update(created_at=at(created))
    return made


@pytest.fixture
def world(db: None) -> None:
    # k4 (approved) looks north from (-87.95, 43.05), 90 degrees wide, 100 m deep.
    # k1 (pending) looks north from (-87.90, 43.05): it covers nothing for the figures.
    camera("2026-10-05 10:00", "community", "business", "footage", "pending", Point(-87.90, 43.05, srid=4326))  # k1
    camera("2026-10-06 10:00", "community", "residential", "live", "approved")  # k2
    camera("2026-10-12 23:30", "import", "city", "register", "approved")  # k3: 04:30 UTC on the 13th
    camera("2026-10-13 08:00", "admin", "city", "footage", "approved", Point(-87.95, 43.05, srid=4326))  # k4
    camera("2026-10-19 00:10", "community", "business", "live", "approved")  # k5: after the range
    camera("2026-10-04 23:00", "admin", "school", "footage", "rejected")  # k6: before the range
    camera("2026-10-14 10:00", "community", "business", "footage", "retired")  # k7
    north_of_k4 = {"location": Point(-87.95, 43.0505, srid=4326)}  # ~55 m north: in k4's cone
    incident("2026-10-05 09:00", "1", "ROBBERY", **north_of_k4)  # a: covered
    incident("2026-10-06 09:00", "1", "THEFT", location=Point(-87.95, 43.0495, srid=4326))  # b: south, not
    incident("2026-10-07 09:00", "1", "THEFT", location=None)  # c: no location
    incident("2026-10-08 09:00", "2", "THEFT", location=Point(-87.90, 43.0505, srid=4326))  # d: only k1 sees it
    incident("2026-10-09 09:00", "2", "ROBBERY", **north_of_k4)  # e: covered
    incident("2026-10-20 09:00", "2", "ROBBERY", **north_of_k4)  # f: after the range
    incident("2026-10-10 09:00", "2", "THEFT", location=Point(-87.95, 43.0503, srid=4326))  # g: covered
    refresh_rollups(full=True)


def test_registrations_by_week(world: None) -> None:
    table = metrics.registrations_over_time(fortnight(bucket_choice="week"))
    # Week of 5 Oct: k1 k2 (community). Week of 12 Oct: k3 (import, 12th local), k4 (admin), k7 (community).
    assert values(table, "date", *SOURCES) == [
        (dt.date(2026, 10, 5), 0, 2, 0, 2),
        (dt.date(2026, 10, 12), 1, 1, 1, 3),
    ]
    assert drills(table)[1] == Drill("cameras", {"from": "2026-10-12", "to": "2026-10-18"})


def test_registrations_by_day_use_the_local_day(world: None) -> None:
    table = metrics.registrations_over_time(fortnight())
    rows = {row.values["date"]: row.values["total"] for row in table.rows}
    assert rows[dt.date(2026, 10, 12)] == 1  # k3 at 23:30 local
    assert rows[dt.date(2026, 10, 13)] == 1  # k4
    assert sum(rows.values()) == 5
    assert table.rows[0].drill == Drill("cameras", {"day": "2026-10-05"})


def test_registrations_by_owner_type(world: None) -> None:
    table = metrics.registrations_by_owner_type(fortnight())
    # City: k3 (import), k4 (admin); business: k1 k7 (community); residential: k2 (community).
    assert values(table, "owner_type", *SOURCES) == [
        ("City", 1, 0, 1, 2),
        ("DOT / traffic", 0, 0, 0, 0),
        ("School", 0, 0, 0, 0),
        ("Transit", 0, 0, 0, 0),
        ("Business partner", 0, 2, 0, 2),
        ("Residential", 0, 1, 0, 1),
    ]
    assert drills(table)[4] == Drill("cameras", {"owner_type": "business"})


def test_approved_by_tier(world: None) -> None:
    table = metrics.approved_by_tier(fortnight())
    # Approved now, any date: k2 live/residential, k3 register/city, k4 footage/city, k5 live/business.
    assert values(table, "tier", *OWNERS) == [
        ("Register only", 1, 0, 0, 0, 0, 0, 1),
        ("Footage on request", 1, 0, 0, 0, 0, 0, 1),
        ("Live share", 0, 0, 0, 0, 1, 1, 2),
    ]
    assert drills(table)[2] == Drill("cameras", {"tier": "live", "status": "approved", "all_dates": "1"})


def test_coverage_by_district(world: None) -> None:
    table = metrics.coverage_by_district(fortnight())
    # District 1: a b located, a covered -> 50 %. District 2: d e g located, e g covered (d only by the
    # pending k1) -> 66.7 %. All: 5 located, 3 covered -> 60 %. f is after the range; c has no location.
    assert values(table, "district", "located", "covered", "share") == [
        ("1", 2, 1, 50.0),
        ("2", 3, 2, 66.7),
        ("All", 5, 3, 60.0),
    ]
    assert table.note.startswith("Incident counts from the rollup refreshed at ")


def test_coverage_filters(world: None) -> None:
    robbery = metrics.coverage_by_district(fortnight(call_types=("ROBBERY",)))
    assert values(robbery, "district", "located", "covered") == [("1", 1, 1), ("2", 1, 1), ("All", 2, 2)]  # a, e
    district_2 = metrics.coverage_by_district(fortnight(district="2"))
    assert values(district_2, "district", "located", "covered", "share") == [("2", 3, 2, 66.7), ("All", 3, 2, 66.7)]


def test_approving_a_camera_changes_coverage_at_the_next_refresh(world: None, admin_user: Any) -> None:
    Camera.objects.filter(status="pending").update(status="approved")  # k1 now approved: d is covered
    before = metrics.coverage_by_district(fortnight(district="2"))
    assert values(before, "covered") == [(2,), (2,)]  # the rollup still holds the old figure
    refresh_rollups(full=True)
    after = metrics.coverage_by_district(fortnight(district="2"))
    assert values(after, "covered", "share") == [(3, 100.0), (3, 100.0)]
