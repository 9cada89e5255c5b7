"""Shift reports: written once per ended shift, with figures checked against hand-counted seeds.

The seeded shift is the Night shift of Wednesday 2026-10-14 (America/Chicago, CDT = UTC-5):
23:00 CDT on the 14th to 07:00 CDT on the 15th, i.e. 2026-10-15 04:00 to 12:00 UTC. Every
timestamp below is written in UTC with its local time alongside.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.roles import Role
from alerts.models import Alert
from analytics import shift_reports
from analytics.models import ShiftReport
from analytics.shift_reports import write_due_reports
from analytics.tasks import write_due_shift_reports
from cases.models import Case, CaseLink
from incidents.models import Incident
from lpr.models import Hit, Hotlist, HotlistEntry
from shifts.models import HandoverNote, ShiftSignOn
from shots.models import ShotsFired

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NIGHT = dt.date(2026, 10, 14)
# 07:05 CDT on the 15th: the Night shift of the 14th ended five minutes ago.
NOW = dt.datetime(2026, 10, 15, 12, 5, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _incident(cad: str, call_type: str, priority: int, at: dt.datetime, final: str = "") -> Incident:
    return Incident.objects.create(
        source="cad",
        external_id=cad,
        call_type=call_type,
        final_call_type=final,
        priority=priority,
        received_at=at,
        address=f"{cad} Main St",
        district="D1",
    )


def _alert(key: str, type_: str, created: dt.datetime, **fields: Any) -> Alert:
    with time_machine.travel(created, tick=False):
        return Alert.objects.create(type=type_, priority=2, title=key, source_key=key, streams=["ops"], **fields)


def seed_night(make_user: Any) -> dict[str, Any]:
    """Records in, before and after the Night shift of 2026-10-14; returns the people and rows tests refer to."""
    ana = make_user("ana", Role.ANALYST)
    sup = make_user("sup", Role.SUPERVISOR)
    seeded: dict[str, Any] = {"ana": ana, "sup": sup}

    # Incidents in the Night window: 5 named ones and 7 P5 parking calls (12 in all).
    seeded["i1"] = _incident("26-1001", "SHOTS", 1, utc(15, 4, 30))  # 23:30 CDT on the 14th
    seeded["i2"] = _incident("26-1002", "ALARM", 2, utc(15, 5, 15), final="BURGLARY")  # 00:15, after midnight
    seeded["i3"] = _incident("26-1003", "ALARM", 3, utc(15, 7, 0))  # 02:00
    seeded["i4"] = _incident("26-1004", "TRAFFIC", 3, utc(15, 11, 59))  # 06:59
    seeded["i5"] = _incident("26-1005", "ALARM", 4, utc(15, 6, 0))  # 01:00
    for n in range(7):
        _incident(f"26-20{n:02d}", "PARKING", 5, utc(15, 8, n))  # 03:00..03:06
    seeded["i6"] = _incident("26-1006", "SHOTS", 1, utc(15, 3, 59))  # 22:59 on the 14th: Evening
    seeded["i7"] = _incident("26-1007", "TRAFFIC", 2, utc(15, 12, 0))  # 07:00 on the 15th: Day

    _alert("a1", "cad_call", utc(15, 4, 10), status="resolved", disposition="actionable",
           acknowledged_at=utc(15, 4, 12), resolved_at=utc(15, 5, 0))  # fmt: skip
    _alert("a2", "shots_fired", utc(15, 5, 0), status="resolved", disposition="benign",
           acknowledged_at=utc(15, 5, 1), resolved_at=utc(15, 12, 30))  # fmt: skip  # resolved after the end
    _alert("a3", "lpr_hit", utc(15, 6, 0))  # still new
    _alert("a4", "cad_call", utc(15, 3, 0), status="resolved", disposition="false_positive",
           acknowledged_at=utc(15, 4, 5), resolved_at=utc(15, 4, 30))  # fmt: skip  # raised in the Evening
    _alert("a5", "feed_silent", utc(14, 10, 0))  # raised on the Night shift before (05:00 CDT), never resolved
    _alert("a6", "cad_call", utc(15, 12, 0))  # raised at 07:00 on the 15th: Day shift
    _alert("a7", "camera_offline", utc(14, 9, 0), status="resolved", disposition="system",
           resolved_at=utc(14, 10, 0))  # fmt: skip
    _alert("a8", "lpr_hit", utc(15, 7, 0), status="resolved", disposition="actionable",
           acknowledged_at=utc(15, 7, 30), resolved_at=utc(15, 8, 0))  # fmt: skip

    with time_machine.travel(utc(15, 5, 30), tick=False):
        case_in = Case.objects.create(number="RTCC-2026-000101", title="Armed robbery", lead=ana, created_by=ana)
    with time_machine.travel(utc(14, 21, 0), tick=False):
        case_out = Case.objects.create(number="RTCC-2026-000102", title="Burglary series", lead=sup, created_by=sup)
    seeded["case"] = case_in
    links = [
        (case_out, "incident", seeded["i2"].pk, utc(15, 6, 0)),
        (case_in, "incident", seeded["i1"].pk, utc(15, 5, 31)),
        (case_in, "camera", 77, utc(15, 5, 32)),  # in the window, but not an incident
        (case_out, "incident", seeded["i6"].pk, utc(15, 3, 59)),  # before the window
    ]
    for case, kind, object_id, at in links:
        with time_machine.travel(at, tick=False):
            CaseLink.objects.create(case=case, kind=kind, object_id=object_id, added_by=ana)

    hotlist = Hotlist.objects.create(name="Stolen", source="ncic", owner=sup)
    entry = HotlistEntry.objects.create(hotlist=hotlist, plate="ABC123", plate_confusable="A8C123", reason="stolen")
    hits = [
        (1, utc(15, 4, 30), "actionable", utc(15, 4, 35)),
        (2, utc(15, 5, 0), "rejected", utc(15, 5, 10)),
        (3, utc(15, 6, 0), "unverified", None),
        (4, utc(15, 3, 50), "actionable", utc(15, 4, 5)),  # raised before, verified in the window
        (5, utc(15, 11, 0), "actionable", utc(15, 12, 10)),  # raised in, verified after the window
    ]
    for read_id, created, status, verified_at in hits:
        with time_machine.travel(created, tick=False):
            Hit.objects.create(
                read_id=read_id, read_at=created, entry=entry, hotlist=hotlist, kind="exact", priority=1,
                plate="ABC123", status=status, reject_reason="misread" if status == "rejected" else "",
                verified_by=None if verified_at is None else ana, verified_at=verified_at,
            )  # fmt: skip

    for ext, at, kind, review in [
        ("s1", utc(15, 4, 45), "multiple", "confirmed"),
        ("s2", utc(15, 8, 0), "single", "pending"),
        ("s3", utc(15, 3, 0), "single", "confirmed"),  # Evening
    ]:
        ShotsFired.objects.create(source="shotspotter", external_id=ext, detected_at=at, detection_type=kind,
                                  review_status=review)  # fmt: skip

    HandoverNote.objects.create(shift_date=NIGHT, shift="Night", author=ana, text="Quiet after 03:00.",
                                open_items="Follow up 26-1002", created_at=utc(15, 11, 30))  # fmt: skip
    HandoverNote.objects.create(shift_date=NIGHT, shift="Night", author=sup, text="Two hits on the stolen list.",
                                created_at=utc(15, 11, 45))  # fmt: skip
    HandoverNote.objects.create(shift_date=NIGHT, shift="Evening", author=ana, text="Evening note.",
                                created_at=utc(15, 3, 30))  # fmt: skip
    ShiftSignOn.objects.create(user=ana, shift_date=NIGHT, shift="Evening", signed_on_at=utc(14, 20, 0),
                               signed_off_at=utc(15, 4, 0))  # fmt: skip
    ShiftSignOn.objects.create(user=ana, shift_date=NIGHT, shift="Night", signed_on_at=utc(15, 4, 0),
                               signed_off_at=utc(15, 12, 0))  # fmt: skip
    ShiftSignOn.objects.create(user=sup, shift_date=NIGHT, shift="Night", signed_on_at=utc(15, 4, 10),
                               signed_off_at=utc(15, 11, 50))  # fmt: skip
    return seeded


def _top(incident: Incident, call_type: str, received_at: str) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "cad_number": incident.external_id,
        "source": "cad",
        "call_type": call_type,
        "priority": incident.priority,
        "received_at": received_at,
        "address": f"{incident.external_id} Main St",
        "district": "D1",
        "status": "received",
    }


def test_night_shift_report_crossing_midnight_has_the_hand_counted_figures(make_user: Any) -> None:
    seeded = seed_night(make_user)
    written = write_due_reports(now=NOW)
    night = ShiftReport.objects.get(shift_date=NIGHT, shift="Night")
    assert night in written
    assert (night.starts_at, night.ends_at) == (utc(15, 4), utc(15, 12))
    assert night.generated_by is None
    content = night.content
    assert content["window"] == {
        "shift": "Night",
        "date": "2026-10-14",
        "starts_at": "2026-10-15T04:00:00+00:00",
        "ends_at": "2026-10-15T12:00:00+00:00",
        "time_zone": "America/Chicago",
    }
    incidents = content["incidents"]
    assert incidents["received"] == 12
    assert incidents["by_call_type"] == [
        {"key": "PARKING", "label": "PARKING", "count": 7},
        {"key": "ALARM", "label": "ALARM", "count": 2},
        {"key": "BURGLARY", "label": "BURGLARY", "count": 1},
        {"key": "SHOTS", "label": "SHOTS", "count": 1},
        {"key": "TRAFFIC", "label": "TRAFFIC", "count": 1},
    ]
    # Priority first, then the time received: 5 named calls, then the first 5 parking calls of 7.
    assert [row["cad_number"] for row in incidents["top"]] == [
        "26-1001", "26-1002", "26-1003", "26-1004", "26-1005", "26-2000", "26-2001", "26-2002", "26-2003", "26-2004",
    ]  # fmt: skip
    assert incidents["top"][0] == _top(seeded["i1"], "SHOTS", "2026-10-15T04:30:00+00:00")
    assert incidents["top"][1] == _top(seeded["i2"], "BURGLARY", "2026-10-15T05:15:00+00:00")
    assert content["alerts"] == {
        "raised": 4,  # a1, a2, a3, a8
        "acknowledged": 4,  # a1, a2, a4 (raised in the Evening), a8
        "resolved": 3,  # a1, a4, a8 (a2 was resolved after the end)
        "by_type": [
            {"key": "lpr_hit", "label": "LPR hit", "count": 2},
            {"key": "cad_call", "label": "High-priority CAD call", "count": 1},
            {"key": "shots_fired", "label": "Shots fired", "count": 1},
        ],
        "dispositions": [
            {"key": "actionable", "label": "Actionable", "count": 2},
            {"key": "false_positive", "label": "False positive", "count": 1},
        ],
        "open_at_end": 3,  # a2 (resolved later), a3, a5 (from the night before)
    }
    assert content["assists"] == {
        "cases_created": 1,
        "cases": [{"id": seeded["case"].pk, "number": "RTCC-2026-000101", "title": "Armed robbery"}],
        "incident_links": 2,
    }
    assert content["lpr"] == {"hits": 4, "verified": 3, "actionable": 2, "rejected": 1}
    assert content["shots"] == {
        "detections": 2,
        "by_type": [
            {"key": "multiple", "label": "Multiple gunshots", "count": 1},
            {"key": "single", "label": "Single gunshot", "count": 1},
        ],
        "by_review": [
            {"key": "confirmed", "label": "Confirmed gunfire", "count": 1},
            {"key": "pending", "label": "Not reviewed yet", "count": 1},
        ],
    }
    assert content["handover_notes"] == [
        {"author": "ana", "created_at": "2026-10-15T11:30:00+00:00", "text": "Quiet after 03:00.",
         "open_items": "Follow up 26-1002", "watch_items": ""},
        {"author": "sup", "created_at": "2026-10-15T11:45:00+00:00", "text": "Two hits on the stolen list.",
         "open_items": "", "watch_items": ""},
    ]  # fmt: skip
    assert content["signed_on"] == [
        {"user": "ana", "signed_on_at": "2026-10-15T04:00:00+00:00", "signed_off_at": "2026-10-15T12:00:00+00:00"},
        {"user": "sup", "signed_on_at": "2026-10-15T04:10:00+00:00", "signed_off_at": "2026-10-15T11:50:00+00:00"},
    ]


def test_evening_shift_before_midnight_counts_only_its_own_records(make_user: Any) -> None:
    seed_night(make_user)
    write_due_reports(now=NOW)
    evening = ShiftReport.objects.get(shift_date=NIGHT, shift="Evening").content
    assert (evening["window"]["starts_at"], evening["window"]["ends_at"]) == (
        "2026-10-14T20:00:00+00:00",
        "2026-10-15T04:00:00+00:00",
    )
    assert evening["incidents"]["received"] == 1
    assert [row["cad_number"] for row in evening["incidents"]["top"]] == ["26-1006"]
    assert evening["alerts"]["raised"] == 1  # a4
    assert evening["alerts"]["open_at_end"] == 2  # a4 (resolved at 04:30 UTC), a5
    assert evening["assists"]["cases_created"] == 1  # RTCC-2026-000102 at 21:00 UTC
    assert evening["assists"]["incident_links"] == 1  # i6's link at 03:59 UTC
    assert evening["lpr"] == {"hits": 1, "verified": 0, "actionable": 0, "rejected": 0}
    assert evening["shots"]["detections"] == 1
    assert [n["text"] for n in evening["handover_notes"]] == ["Evening note."]
    assert [s["user"] for s in evening["signed_on"]] == ["ana"]


def test_due_reports_are_written_once_and_the_next_shift_when_it_ends(make_user: Any) -> None:
    seed_night(make_user)
    first = write_due_reports(now=NOW)
    # Ended in the last 48 h (12:05 UTC on the 13th to 12:05 UTC on the 15th): Day, Evening, Night of the
    # 13th and of the 14th. The Night of the 12th ended at 12:00 UTC on the 13th, five minutes too early.
    assert [(r.shift_date.isoformat(), r.shift) for r in first] == [
        ("2026-10-13", "Day"), ("2026-10-13", "Evening"), ("2026-10-13", "Night"),
        ("2026-10-14", "Day"), ("2026-10-14", "Evening"), ("2026-10-14", "Night"),
    ]  # fmt: skip
    assert write_due_reports(now=NOW) == []
    assert write_due_reports(now=NOW + dt.timedelta(hours=2)) == []
    assert ShiftReport.objects.count() == 6
    # 15:05 CDT on the 15th: the Day shift of the 15th (07:00-15:00 CDT) has ended.
    later = write_due_reports(now=utc(15, 20, 5))
    assert [(r.shift_date.isoformat(), r.shift) for r in later] == [("2026-10-15", "Day")]
    day = later[0].content
    assert [row["cad_number"] for row in day["incidents"]["top"]] == ["26-1007"]  # received at 07:00 sharp
    assert day["alerts"]["raised"] == 1  # a6


def test_beat_task_writes_due_reports(make_user: Any) -> None:
    seed_night(make_user)
    with time_machine.travel(NOW, tick=False):
        assert write_due_shift_reports() == 6
        assert write_due_shift_reports.apply().get() == 0
    assert ShiftReport.objects.filter(shift_date=NIGHT, shift="Night").count() == 1


def test_a_concurrent_writer_wins_and_nothing_is_written_twice(make_user: Any, monkeypatch: Any) -> None:
    """Another worker inserts the same shift's row while this one computes: the unique key keeps one row."""
    seed_night(make_user)
    real_build = shift_reports.build_content
    rivals: list[ShiftReport] = []

    def build_while_a_rival_writes(window: Any) -> dict[str, Any]:
        content = real_build(window)
        rivals.append(ShiftReport.objects.create(shift_date=window.date, shift=window.name,
                                                 starts_at=window.starts_at, ends_at=window.ends_at,
                                                 content={"rival": True}))  # fmt: skip
        return content

    monkeypatch.setattr(shift_reports, "build_content", build_while_a_rival_writes)
    assert write_due_reports(now=NOW) == []
    assert ShiftReport.objects.count() == 6
    assert set(ShiftReport.objects.values_list("content__rival", flat=True)) == {True}


def test_dst_end_night_shift_is_nine_hours(make_user: Any) -> None:
    # 2026-11-01 02:00 CDT becomes 01:00 CST: the Night shift of Oct 31 runs 23:00 CDT to 07:00 CST.
    written = write_due_reports(now=utc(1, 13, 0, month=11))
    night = next(r for r in written if r.shift_date == dt.date(2026, 10, 31) and r.shift == "Night")
    assert (night.starts_at, night.ends_at) == (utc(1, 4, 0, month=11), utc(1, 13, 0, month=11))


def test_command_writes_one_shift_or_refuses(make_user: Any, capsys: Any) -> None:
    seed_night(make_user)
    with time_machine.travel(NOW, tick=False):
        call_command("shift_report", date="2026-10-14", shift="Night")
        assert "written: Night shift 2026-10-14" in capsys.readouterr().out
        call_command("shift_report", date="2026-10-14", shift="Night")
        assert "already written" in capsys.readouterr().out
        with pytest.raises(CommandError, match="has not ended yet"):
            call_command("shift_report", date="2026-10-15", shift="Day")
        with pytest.raises(CommandError, match="no shift named 'Graveyard'"):
            call_command("shift_report", date="2026-10-14", shift="Graveyard")
        with pytest.raises(CommandError, match="--date"):
            call_command("shift_report", date="14/10/2026", shift="Night")
        call_command("shift_report")
        assert "5 report(s) written." in capsys.readouterr().out
    assert ShiftReport.objects.count() == 6


def test_pages_need_metrics_read(make_user: Any) -> None:
    seeded = seed_night(make_user)
    write_due_reports(now=NOW)
    night = ShiftReport.objects.get(shift_date=NIGHT, shift="Night")
    auditor = make_user("aud", Role.AUDITOR)
    for user, expected in [(seeded["sup"], 200), (auditor, 200), (seeded["ana"], 403)]:
        client = Client()
        client.force_login(user)
        assert client.get("/analytics/shift-reports/").status_code == expected
        assert client.get(f"/analytics/shift-reports/{night.pk}/").status_code == expected
    client = Client()
    assert client.get("/analytics/shift-reports/").status_code == 302  # to the login page
    client.force_login(seeded["sup"])
    page = client.get(f"/analytics/shift-reports/{night.pk}/").content.decode()
    assert "Night shift · Wednesday 2026-10-14" in page
    assert "2026-10-14 23:00 to 2026-10-15 07:00 CDT" in page
    assert "26-1001" in page and "Quiet after 03:00." in page and "RTCC-2026-000101" in page
    listing = client.get("/analytics/shift-reports/").content.decode()
    assert listing.count("data-report=") == 6
    assert client.get("/analytics/shift-reports/999999/").status_code == 404
