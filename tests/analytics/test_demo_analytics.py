"""demo_analytics: demo history for the dashboards, seeded once, re-seeded with --reset.

The clock is frozen at 2026-11-18 12:00 in Chicago, so --days 3 fills 15, 16 and 17 November. The
expected counts follow from the construction in analytics/demo_history.py and the CSV:
- incidents: the three CSV days hold 1901 + 1873 + 1722 = 5496 calls; --max-incidents 600 keeps 600;
- cases: one incident in 33, in received order: indexes 0, 33, … 594 → 19 cases;
- footage requests: the cases with an even index → 10; camera-reviewed log entries: index % 3 == 0 → 7;
- shots: 2 a day → 6; hits: 5 a day → 15; reads: --read-days 2 x --reads-per-day 50 → 100;
- alerts a day: 10 CAD + 3 rule (the demo rules exist) + 2 shots + 5 hits = 20 → 60;
- shifts (Day 07-15, Evening 15-23, Night 23-07) ending from 15 Nov 12:00 to 18 Nov 12:00: 15 Nov
  15:00, 23:00; 16 and 17 Nov 07:00, 15:00, 23:00; 18 Nov 07:00 → 9 notes, 18 sign-ons (two users);
  shift reports are written for those that ended in the last 48 h: 16 Nov 15:00 onwards → 6.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from alerts.models import Alert
from analytics.dashboards import dashboards
from analytics.filters import MetricFilter
from analytics.models import ShiftReport
from cameras.models import FootageRequest
from cases.models import Case, CaseLink, CaseLogEntry
from incidents.models import Incident
from lpr.models import Hit
from shifts.models import HandoverNote, ShiftSignOn
from shots.models import ShotsFired

NOW = dt.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
SMALL = ["--days", "3", "--max-incidents", "600", "--read-days", "2", "--reads-per-day", "50"]


def reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lpr_read WHERE external_id LIKE 'demo-history-%%'")
        return int(cursor.fetchone()[0])


def counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.filter(source="demo-history").count(),
        "cases": Case.objects.filter(number__startswith="RTCC-DEMO-").count(),
        "links": CaseLink.objects.filter(kind="incident").count(),
        "footage": FootageRequest.objects.count(),
        "reviews": CaseLogEntry.objects.filter(kind="camera_reviewed").count(),
        "shots": ShotsFired.objects.count(),
        "hits": Hit.objects.count(),
        "reads": reads(),
        "alerts": Alert.objects.count(),
        "notes": HandoverNote.objects.count(),
        "sign_ons": ShiftSignOn.objects.count(),
    }


EXPECTED = {
    "incidents": 600,
    "cases": 19,
    "links": 19,
    "footage": 10,
    "reviews": 7,
    "shots": 6,
    "hits": 15,
    "reads": 100,
    "alerts": 60,
    "notes": 9,
    "sign_ons": 18,
}


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_setup", "--key-file", str(tmp_path / "cad.key"), stdout=out)
    call_command("demo_cameras", "--count", "10", stdout=out)
    call_command("demo_lpr", "--key-file", str(tmp_path / "lpr.key"), stdout=out)
    call_command("demo_rules", stdout=out)


def run(*extra: str) -> str:
    out = StringIO()
    call_command("demo_analytics", *SMALL, *extra, stdout=out)
    return out.getvalue()


def rows(table: Any) -> dict[str, dict[str, Any]]:
    key = table.columns[0].key
    return {str(row.values[key]): dict(row.values) for row in table.rows}


@pytest.mark.django_db
def test_seeds_once_and_reset_seeds_again(demo: None) -> None:
    with time_machine.travel(NOW, tick=False):
        first = run()
        assert counts() == EXPECTED
        assert "incidents 600" in first and "cases 19" in first and "alerts 60" in first
        incident = Incident.objects.filter(source="demo-history").order_by("received_at").first()
        assert incident is not None
        assert incident.received_at.astimezone(NOW.tzinfo).date() == dt.date(2026, 11, 15)
        assert ShiftReport.objects.count() == 6

        second = run()
        assert "nothing added" in second
        assert counts() == EXPECTED
        assert ShiftReport.objects.count() == 6

        old_ids = set(Incident.objects.filter(source="demo-history").values_list("pk", flat=True))
        run("--reset")
        assert counts() == EXPECTED
        assert not old_ids & set(Incident.objects.values_list("pk", flat=True))
        # The case log keeps refusing deletes outside the reset.
        with pytest.raises(Exception, match="append-only"):
            CaseLogEntry.objects.all().delete()


@pytest.mark.django_db
def test_alert_and_hit_states(demo: None) -> None:
    with time_machine.travel(NOW, tick=False):
        run()
    # Actionable: CAD k = 0, 4, 7 on 15 and 16 Nov, k = 7 on 17 Nov (0 and 4 are left open) = 7;
    # one rule alert a day = 3; the linked shot a day = 3; two actionable hits a day = 6.
    assert Alert.objects.filter(disposition="actionable").count() == 19
    # Open: CAD k = 0, 4, 8 and the unverified hit of 17 Nov.
    assert Alert.objects.exclude(status="resolved").count() == 4
    # Cleared by the source: the unlinked shots of 15 and 17 Nov (odd ordinals: not gunfire).
    assert Alert.objects.filter(disposition="system", acknowledged_by__isnull=True).count() == 2
    assert Hit.objects.filter(status="rejected", reject_reason="misread").count() == 3
    assert Hit.objects.filter(status="actionable", verified_by__username="analyst").count() == 6
    assert Hit.objects.filter(read_id__lt=0).count() == 5  # 15 Nov: before the two read days
    rule_alert = Alert.objects.filter(type="rule_match").first()
    assert rule_alert is not None and set(rule_alert.context["rule"]) == {"id", "name"}


@pytest.mark.django_db
def test_every_dashboard_renders_with_figures(demo: None) -> None:
    with time_machine.travel(NOW, tick=False):
        run()
        flt = MetricFilter.last_days(30)
        tables = {table.key: table for board in dashboards() for table in (fn(flt) for fn in board.tables)}
    assert len(tables) >= 20
    for table in tables.values():
        for row in table.rows:
            assert set(row.values) >= set(table.column_keys())

    assists = tables["incidents_assists_by_call_type"]
    assert sum(r["incidents"] for r in assists.rows) == 600
    assert sum(r["assisted"] for r in assists.rows) == 19

    times = rows(tables["alerts_response_times"])["All"]
    assert (times["alerts"], times["acknowledged"], times["resolved"]) == (60, 58, 54)
    assert times["ack_median"] is not None and 30 <= times["ack_median"] <= 600

    funnel = {r["step"]: r["count"] for r in tables["lpr_funnel"].rows}
    # Outcomes: 15 Nov (ordinal % 4 = 3) not located + not located; 16 Nov stop; 17 Nov recovered +
    # not located → located 2, not located 3.
    assert list(funnel.values()) == [100, 15, 12, 6, 2, 3]

    assert sum(r["cases"] for r in tables["cases_outcomes"].rows) == 19
    # Camera actions: footage requests on case indexes 0, 2, … 18 (10) and reviews on 0, 3, … 18:
    # 3, 9 and 15 add three more incidents → 13.
    first_camera = rows(tables["incidents_first_camera_by_call_type"])["All"]
    assert first_camera["incidents"] == 13

    # Each day's linked detection is the day's first call with a footage request (2 to 15 min after
    # the call, the detection 40 s before it); the unlinked one has no camera action.
    shots_camera = rows(tables["shots_first_camera_by_district"])["All"]
    assert shots_camera["detections"] == 3
    # Actioned: the linked detections (acknowledged alert) and 16 Nov's unreviewed one (acknowledged);
    # the "not gunfire" ones of 15 and 17 Nov were cleared by the source, nobody acknowledged them.
    shots = tables["shots_actioned_over_time"]
    assert (sum(r["detections"] for r in shots.rows), sum(r["actioned"] for r in shots.rows)) == (6, 4)


@pytest.mark.django_db
def test_needs_the_demo_users(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="demo_setup"):
        call_command("demo_analytics", *SMALL, stdout=StringIO())
