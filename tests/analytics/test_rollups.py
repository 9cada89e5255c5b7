"""The dashboard rollups: what a refresh writes (rows written out by hand), the recent window, the command."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection

from analytics.models import IncidentDaily, ReadDaily, RollupRun
from analytics.rollups import INCIDENTS, READS, refresh_rollups
from feeds import services as feed_services
from lpr.models import Reader
from lpr.services.reads import reads_insert_and_match
from tests.analytics.test_metrics_incidents import at, incident
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

NOW = at("2026-10-20 12:00")  # with 3 recent days, the recent window starts on 18 October
NORTH_OF_APPROVED = Point(-87.95, 43.0505, srid=4326)  # ~55 m north of the approved camera: in its cone
SOUTH_OF_APPROVED = Point(-87.95, 43.0495, srid=4326)  # behind it
NORTH_OF_PENDING = Point(-87.90, 43.0505, srid=4326)  # in the cone of a camera not approved


@pytest.fixture(autouse=True)
def frozen(settings: Any) -> Iterator[None]:
    settings.RTCC_ROLLUP_RECENT_DAYS = 3
    with time_machine.travel(NOW, tick=False):
        yield


def incident_rows() -> list[tuple[Any, ...]]:
    return list(
        IncidentDaily.objects.order_by("day", "district", "beat", "call_type").values_list(
            "day", "district", "beat", "call_type", "incidents", "located", "covered"
        )
    )


def read_rows() -> list[tuple[Any, ...]]:
    return list(ReadDaily.objects.order_by("day", "reader_id").values_list("day", "feed_id", "reader_id", "reads"))


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    CameraFactory(location=Point(-87.95, 43.05, srid=4326), heading=0, status="approved")
    CameraFactory(location=Point(-87.90, 43.05, srid=4326), heading=0, status="pending")
    incident("2026-10-12 23:30", "1", "THEFT", beat="11", location=NORTH_OF_APPROVED)  # 04:30 UTC on the 13th
    incident("2026-10-13 00:30", "1", "THEFT", final="BURGLARY", beat="11", location=NORTH_OF_PENDING)
    incident("2026-10-13 05:00", "1", "THEFT", beat="11", location=None)
    incident("2026-10-13 06:00", "1", "THEFT", beat="11", location=SOUTH_OF_APPROVED)
    incident("2026-10-13 07:00", "2", "THEFT", beat="21", location=NORTH_OF_APPROVED)
    incident("2026-10-19 10:00", "2", "ROBBERY", beat="21", location=NORTH_OF_APPROVED)

    feed, _ = feed_services.feed_create(name="Rollup LPR", kind="lpr", slug="rollup-lpr")
    pole = Reader.objects.create(name="Pole", feed=feed, external_id="pole", location=Point(-87.9, 43.0, srid=4326))
    car = Reader.objects.create(name="Car", feed=feed, external_id="car", location=Point(-87.9, 43.0, srid=4326))
    reads = [
        ("r1", "2026-10-12 23:30", "pole"),  # local day the 12th, UTC partition the 13th
        ("r2", "2026-10-13 00:30", "pole"),
        ("r3", "2026-10-13 01:00", "pole"),
        ("r4", "2026-10-13 02:00", "car"),
        ("r5", "2026-10-19 09:00", "car"),  # its reader is cleared below: counted under reader 0
    ]
    reads_insert_and_match(
        feed=feed,
        reads=[
            {
                "external_id": external_id,
                "read_at": at(read_at),
                "plate_raw": "ABC1234",
                "plate": "ABC1234",
                "state": "WI",
                "confidence": 90.0,
                "reader": reader,
            }
            for external_id, read_at, reader in reads
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE lpr_read SET reader_id = NULL WHERE external_id = 'r5'")
    return {"feed": feed.pk, "pole": pole.pk, "car": car.pk}


def test_full_refresh_writes_the_rows(world: dict[str, Any]) -> None:
    results = refresh_rollups(full=True)
    # Local days in Chicago; the reclassified call counts as BURGLARY; the located incident seen only by
    # the pending camera and the one behind the approved camera are located but not covered.
    assert incident_rows() == [
        (dt.date(2026, 10, 12), "1", "11", "THEFT", 1, 1, 1),
        (dt.date(2026, 10, 13), "1", "11", "BURGLARY", 1, 1, 0),
        (dt.date(2026, 10, 13), "1", "11", "THEFT", 2, 1, 0),
        (dt.date(2026, 10, 13), "2", "21", "THEFT", 1, 1, 1),
        (dt.date(2026, 10, 19), "2", "21", "ROBBERY", 1, 1, 1),
    ]
    feed, pole, car = world["feed"], world["pole"], world["car"]
    assert read_rows() == [
        (dt.date(2026, 10, 12), feed, pole, 1),
        (dt.date(2026, 10, 13), feed, pole, 2),
        (dt.date(2026, 10, 13), feed, car, 1),
        (dt.date(2026, 10, 19), feed, 0, 1),
    ]
    assert [(r.name, r.window_start, r.rows) for r in results] == [(INCIDENTS, None, 5), (READS, None, 4)]
    runs = {run.name: run for run in RollupRun.objects.all()}
    assert runs[INCIDENTS].refreshed_at == NOW and runs[INCIDENTS].rows == 5 and runs[INCIDENTS].window_start is None
    assert runs[READS].rows == 4


def test_full_refresh_is_idempotent(world: dict[str, Any]) -> None:
    refresh_rollups(full=True)
    first_incidents, first_reads = incident_rows(), read_rows()
    results = refresh_rollups(full=True)
    assert incident_rows() == first_incidents and read_rows() == first_reads
    assert [r.rows for r in results] == [5, 4]
    assert RollupRun.objects.count() == 2  # one row per rollup, updated in place


def test_recent_refresh_leaves_older_days_untouched(world: dict[str, Any]) -> None:
    refresh_rollups(full=True)
    incident("2026-10-13 08:00", "2", "THEFT", beat="21", location=NORTH_OF_APPROVED)  # old day: not recomputed
    incident("2026-10-17 23:59", "2", "ROBBERY", beat="21", location=None)  # the last minute before the window
    incident("2026-10-18 00:00", "2", "ROBBERY", beat="21", location=None)  # the first instant of the window
    results = refresh_rollups()
    # Window = 18..20 October. The 13th still says 1 incident in 2/21 THEFT; the 17th has no row yet.
    assert incident_rows() == [
        (dt.date(2026, 10, 12), "1", "11", "THEFT", 1, 1, 1),
        (dt.date(2026, 10, 13), "1", "11", "BURGLARY", 1, 1, 0),
        (dt.date(2026, 10, 13), "1", "11", "THEFT", 2, 1, 0),
        (dt.date(2026, 10, 13), "2", "21", "THEFT", 1, 1, 1),
        (dt.date(2026, 10, 18), "2", "21", "ROBBERY", 1, 0, 0),
        (dt.date(2026, 10, 19), "2", "21", "ROBBERY", 1, 1, 1),
    ]
    assert [(r.name, r.window_start, r.rows) for r in results] == [
        (INCIDENTS, dt.date(2026, 10, 18), 2),
        (READS, dt.date(2026, 10, 18), 1),
    ]
    assert RollupRun.objects.get(name=INCIDENTS).window_start == dt.date(2026, 10, 18)
    refresh_rollups(full=True)
    rows = incident_rows()
    assert (dt.date(2026, 10, 13), "2", "21", "THEFT", 2, 2, 2) in rows
    assert (dt.date(2026, 10, 17), "2", "21", "ROBBERY", 1, 0, 0) in rows


def test_command_prints_each_rollup(world: dict[str, Any]) -> None:
    out = StringIO()
    call_command("refresh_rollups", "--full", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"incidents_daily: 5 rows from the beginning in \d+ ms", lines[0])
    assert re.fullmatch(r"reads_daily: 4 rows from the beginning in \d+ ms", lines[1])
    out = StringIO()
    call_command("refresh_rollups", stdout=out)
    assert re.match(r"incidents_daily: 1 rows from 2026-10-18 in \d+ ms", out.getvalue())


def test_full_refresh_keeps_the_counts_of_purged_reads(world: dict[str, Any]) -> None:
    from lpr.models import PurgeLedger

    refresh_rollups(full=True)
    # The read purge removes everything before 01:30 local on the 13th (r1, r2, r3) and records its cut-off.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM lpr_read WHERE external_id IN ('r1', 'r2', 'r3')")
    PurgeLedger.objects.create(policy="reads", window_end=at("2026-10-13 01:30"), rows_removed=3)
    results = refresh_rollups(full=True)
    # Rebuilt from the 14th (the cut-off's own day was partly purged): the 12th and 13th keep their counts.
    feed, pole, car = world["feed"], world["pole"], world["car"]
    assert read_rows() == [
        (dt.date(2026, 10, 12), feed, pole, 1),
        (dt.date(2026, 10, 13), feed, pole, 2),
        (dt.date(2026, 10, 13), feed, car, 1),
        (dt.date(2026, 10, 19), feed, 0, 1),
    ]
    assert [(r.name, r.window_start, r.rows) for r in results] == [
        (INCIDENTS, None, 5),
        (READS, dt.date(2026, 10, 14), 1),
    ]


def test_assisted_counts_and_days_relinked_since_the_last_refresh(world: dict[str, Any], analyst: Any) -> None:
    from incidents.models import Incident
    from tests.analytics.test_metrics_incidents import case, link

    refresh_rollups(full=True)
    assert sum(IncidentDaily.objects.values_list("assisted", flat=True)) == 0
    before = IncidentDaily.objects.get(day=dt.date(2026, 10, 12)).pk
    oldest = Incident.objects.order_by("received_at").first()  # the THEFT of the 12th, 23:30
    assert oldest is not None
    link(analyst, case(analyst), "incident", oldest.pk, added="2026-10-20 12:00")  # 8 days after the call
    results = refresh_rollups()
    # The recent window (18..20: one row) plus the 12th, relinked since the last refresh: 2 rows.
    assert (results[0].name, results[0].window_start, results[0].rows) == (INCIDENTS, dt.date(2026, 10, 18), 2)
    twelfth = IncidentDaily.objects.get(day=dt.date(2026, 10, 12))
    assert (twelfth.incidents, twelfth.assisted) == (1, 1) and twelfth.pk != before  # rebuilt
    assert list(IncidentDaily.objects.filter(day=dt.date(2026, 10, 13)).values_list("assisted", flat=True)) == [0, 0, 0]
    assert sum(IncidentDaily.objects.values_list("assisted", flat=True)) == 1
