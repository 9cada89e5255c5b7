"""Anomaly flags: each of the four patterns raises its flag and a supervisors' alert; clean work raises none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from alerts.choices import AlertStatus, AlertType
from alerts.models import Alert
from audit.anomalies import flag_review, flags_compute
from audit.choices import FlagKind, FlagStatus
from audit.models import AuditEvent, AuditFlag
from audit.services import audit_record
from cases.services import case_open
from rtcc.errors import Conflict, InvalidInput, PermissionDenied
from shifts.models import ShiftSignOn
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def search(user: Any, when: dt.datetime, *, plate: str = "", case_number: str = "", action: str = "lpr.search") -> None:
    with time_machine.travel(when, tick=False):
        audit_record(
            actor=user,
            action=action,
            object_ref="lpr_read",
            purpose="robbery",
            case_number=case_number,
            details={"criteria": {"plate_pattern": plate}},
        )


def on_shift(user: Any, day: dt.date) -> None:
    ShiftSignOn.objects.create(
        user=user, shift_date=day, shift="day", signed_on_at=local(day, 7), signed_off_at=local(day, 19)
    )


def compute() -> Any:
    with time_machine.travel(local(TODAY, 20), tick=False):
        return flags_compute()


@pytest.fixture
def known_numbers(analyst: Any) -> tuple[str, str]:
    incident = IncidentFactory(external_id="CAD-26-001")
    case = case_open(actor=analyst, title="Robbery follow-up")
    return incident.external_id, case.number


def test_clean_work_raises_no_flag(analyst: Any, known_numbers: tuple[str, str]) -> None:
    cad, case_number = known_numbers
    for day_back in range(5):
        on_shift(analyst, TODAY - dt.timedelta(days=day_back))
    search(analyst, local(TODAY, 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY - dt.timedelta(days=3), 10), plate="ABC123", case_number=case_number)
    search(analyst, local(TODAY, 11), plate="XYZ999", case_number=case_number)
    search(analyst, local(TODAY, 12), action="ops.search")
    run = compute()
    assert run.created == []
    assert not AuditFlag.objects.exists()


def test_repeat_plate_is_flagged_with_its_searches(analyst: Any, known_numbers: tuple[str, str]) -> None:
    cad, _ = known_numbers
    for day_back in range(7):
        on_shift(analyst, TODAY - dt.timedelta(days=day_back))
    search(analyst, local(TODAY - dt.timedelta(days=6), 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY - dt.timedelta(days=2), 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY, 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY, 10), plate="OTHER1", case_number=cad)
    compute()
    (flag,) = AuditFlag.objects.all()
    assert (flag.kind, flag.user_id, flag.key, flag.day, flag.count) == (
        FlagKind.REPEAT_PLATE,
        analyst.pk,
        "ABC123",
        TODAY,
        3,
    )
    searched = AuditEvent.objects.filter(details__criteria__plate_pattern="ABC123")
    assert sorted(flag.event_ids) == sorted(searched.values_list("id", flat=True))


def test_two_searches_of_a_plate_or_three_over_eight_days_are_not_flagged(analyst: Any, known_numbers: Any) -> None:
    cad, _ = known_numbers
    for day_back in range(8):
        on_shift(analyst, TODAY - dt.timedelta(days=day_back))
    search(analyst, local(TODAY - dt.timedelta(days=7), 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY - dt.timedelta(days=1), 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY, 9), plate="ABC123", case_number=cad)
    compute()
    assert not AuditFlag.objects.filter(kind=FlagKind.REPEAT_PLATE).exists()


def test_search_outside_the_shift_is_flagged(analyst: Any, known_numbers: tuple[str, str]) -> None:
    cad, _ = known_numbers
    on_shift(analyst, TODAY)
    search(analyst, local(TODAY, 10), plate="ABC123", case_number=cad)  # on shift
    search(analyst, local(TODAY, 19, 30), plate="XYZ999", case_number=cad)  # signed off at 19:00
    compute()
    (flag,) = AuditFlag.objects.all()
    assert (flag.kind, flag.count, flag.day) == (FlagKind.OFF_SHIFT, 1, TODAY)
    assert AuditEvent.objects.get(pk=flag.event_ids[0]).details["criteria"]["plate_pattern"] == "XYZ999"


@override_settings(RTCC_AUDIT_DAILY_SEARCH_FLOOR=5)
def test_unusual_volume_is_flagged_against_the_users_median(analyst: Any, make_user: Callable[..., Any]) -> None:
    steady = make_user("steady", Role.ANALYST)
    for day_back in range(31):
        on_shift(analyst, TODAY - dt.timedelta(days=day_back))
        on_shift(steady, TODAY - dt.timedelta(days=day_back))
    for day_back in range(1, 31):  # both usually search 4 times a day
        for n in range(4):
            search(analyst, local(TODAY - dt.timedelta(days=day_back), 8 + n), action="ops.search")
            search(steady, local(TODAY - dt.timedelta(days=day_back), 8 + n), action="ops.search")
    for n in range(13):  # 13 > max(5, 3 x 4)
        search(analyst, local(TODAY, 8, n), action="ops.search")
    for n in range(12):  # 12 is not above 12
        search(steady, local(TODAY, 8, n), action="ops.search")
    compute()
    (flag,) = AuditFlag.objects.all()
    assert (flag.kind, flag.user_id, flag.count) == (FlagKind.HIGH_VOLUME, analyst.pk, 13)
    assert flag.details["median"] == 4
    assert flag.details["threshold"] == 12


@override_settings(RTCC_AUDIT_DAILY_SEARCH_FLOOR=5)
def test_volume_under_the_floor_is_not_flagged(analyst: Any) -> None:
    on_shift(analyst, TODAY)
    for n in range(5):
        search(analyst, local(TODAY, 8, n), action="ops.search")
    compute()
    assert not AuditFlag.objects.exists()


def test_unknown_case_number_is_flagged(analyst: Any, known_numbers: tuple[str, str]) -> None:
    cad, case_number = known_numbers
    on_shift(analyst, TODAY)
    search(analyst, local(TODAY, 9), plate="ABC123", case_number=cad)
    search(analyst, local(TODAY, 10), plate="XYZ999", case_number=case_number)
    search(analyst, local(TODAY, 11), plate="JKL555", case_number="NOSUCH-1")
    compute()
    (flag,) = AuditFlag.objects.all()
    assert (flag.kind, flag.key, flag.count) == (FlagKind.UNKNOWN_CASE, "NOSUCH-1", 1)


def test_each_new_flag_alerts_supervisors_once_and_reruns_add_nothing(analyst: Any, known_numbers: Any) -> None:
    search(analyst, local(TODAY, 9), plate="ABC123", case_number="NOSUCH-1")  # off shift and unknown case
    first = compute()
    assert {flag.kind for flag in first.created} == {FlagKind.OFF_SHIFT, FlagKind.UNKNOWN_CASE}
    alerts = Alert.objects.filter(type=AlertType.AUDIT_ANOMALY)
    assert alerts.count() == 2
    assert all(alert.streams == ["role.supervisor"] for alert in alerts)
    second = compute()
    assert second.created == []
    assert second.refreshed == 2
    assert AuditFlag.objects.count() == 2
    assert alerts.count() == 2


def test_the_command_computes_flags(analyst: Any) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=5), tick=False):
        audit_record(actor=analyst, action="lpr.search", purpose="robbery", case_number="NOSUCH-2")
    out = StringIO()
    call_command("audit_flags", stdout=out)
    assert "2 new, 0 refreshed" in out.getvalue()
    out = StringIO()
    call_command("audit_flags", stdout=out)
    assert "0 new, 2 refreshed" in out.getvalue()


def test_supervisor_reviews_a_flag_with_a_note(analyst: Any, supervisor: Any) -> None:
    search(analyst, local(TODAY, 9), case_number="NOSUCH-1")
    compute()
    flag = AuditFlag.objects.get(kind=FlagKind.UNKNOWN_CASE)
    with pytest.raises(InvalidInput, match="note"):
        flag_review(actor=supervisor, flag_id=flag.pk, note="  ")
    with pytest.raises(PermissionDenied):
        flag_review(actor=analyst, flag_id=flag.pk, note="mine")
    flag_review(actor=supervisor, flag_id=flag.pk, note="Typo in the CAD number; corrected with the analyst.")
    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by_id) == (FlagStatus.REVIEWED, supervisor.pk)
    event = AuditEvent.objects.get(action="audit.flag.review")
    assert (event.actor_id, event.object_ref) == (supervisor.pk, f"audit_flag:{flag.pk}")
    assert Alert.objects.get(source_key=f"audit_flag:{flag.pk}").status == AlertStatus.RESOLVED
    with pytest.raises(Conflict):
        flag_review(actor=supervisor, flag_id=flag.pk, note="again")
