"""Hours of operation: parsing RTCC_SHIFTS and finding the shift of a moment (midnight, DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shifts.hours import ShiftConfigError, parse_shifts, previous_shift, shift_at

pytestmark = pytest.mark.usefixtures("chicago")


@pytest.fixture
def chicago(settings: Any) -> None:
    settings.TIME_ZONE = "America/Chicago"
    if hasattr(settings, "RTCC_SHIFTS"):
        del settings.RTCC_SHIFTS


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_default_pattern_day_and_evening() -> None:
    day = shift_at(utc(2026, 6, 10, 14, 0))  # 09:00 CDT
    assert (day.name, day.date) == ("Day", date(2026, 6, 10))
    assert (day.starts_at, day.ends_at) == (utc(2026, 6, 10, 12), utc(2026, 6, 10, 20))
    evening = shift_at(utc(2026, 6, 10, 20, 0))  # 15:00 CDT exactly: the end is exclusive
    assert (evening.name, evening.starts_at, evening.ends_at) == ("Evening", utc(2026, 6, 10, 20), utc(2026, 6, 11, 4))


def test_night_shift_crosses_midnight_and_belongs_to_the_day_it_starts() -> None:
    before = shift_at(utc(2026, 6, 11, 4, 30))  # 23:30 CDT on June 10
    after = shift_at(utc(2026, 6, 11, 5, 30))  # 00:30 CDT on June 11
    assert before == after
    assert (after.name, after.date) == ("Night", date(2026, 6, 10))
    assert (after.starts_at, after.ends_at) == (utc(2026, 6, 11, 4), utc(2026, 6, 11, 12))
    assert previous_shift(after).name == "Evening"
    assert previous_shift(shift_at(utc(2026, 6, 11, 13))).name == "Night"  # Day's handover comes from Night


def test_spring_forward_night_is_seven_hours_and_the_day_starts_at_seven_cdt() -> None:
    night = shift_at(utc(2026, 3, 8, 11, 30))  # 06:30 CDT on 8 March (clocks went 02:00 -> 03:00)
    assert (night.name, night.date) == ("Night", date(2026, 3, 7))
    assert night.starts_at == utc(2026, 3, 8, 5)  # 23:00 CST
    assert night.ends_at == utc(2026, 3, 8, 12)  # 07:00 CDT
    assert night.ends_at - night.starts_at == timedelta(hours=7)
    assert shift_at(utc(2026, 3, 8, 12)).name == "Day"


def test_fall_back_night_is_nine_hours() -> None:
    night = shift_at(utc(2026, 11, 1, 7, 30))  # 01:30 on 1 November: the first (CDT) or second (CST) pass
    assert night == shift_at(utc(2026, 11, 1, 6, 30))
    assert night.ends_at - night.starts_at == timedelta(hours=9)
    assert (night.starts_at, night.ends_at) == (utc(2026, 11, 1, 4), utc(2026, 11, 1, 13))


def test_every_minute_of_a_dst_week_is_in_exactly_one_shift() -> None:
    moment = utc(2026, 3, 5)
    seen = set()
    while moment < utc(2026, 3, 11):
        window = shift_at(moment)
        assert window.starts_at <= moment < window.ends_at
        seen.add((window.date, window.name))
        moment += timedelta(minutes=30)
    assert len(seen) == 6 * 3 + 1  # six days of three shifts plus the night started on 4 March


def test_custom_pattern_as_list(settings: Any) -> None:
    settings.RTCC_SHIFTS = [("A", "06:00", "18:00"), ("B", "18:00", "06:00")]
    early = shift_at(utc(2026, 6, 10, 10))  # 05:00 CDT: still the 12-hour night shift of June 9
    assert (early.name, early.date) == ("B", date(2026, 6, 9))
    assert shift_at(utc(2026, 6, 10, 12)).name == "A"  # 07:00 CDT


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "no shift defined"),
        ("Day 07:00-15:00, Evening 15:00-23:00", "Evening ends at 23:00 but the next shift \\(Day\\) starts at 07:00"),
        ("Day 07:00-16:00, Evening 15:00-23:00, Night 23:00-07:00", "gap or overlap"),
        ("Day 7-15", "entry 1 .* is not 'Name HH:MM-HH:MM'"),
        ("Day 07:00-25:00, Night 25:00-07:00", "Day: '25:00' is not a time"),
        ("Day 07:00-19:00, Day 19:00-07:00", "names must be unique"),
        (42, "expected a string or a list"),
        ([("Day", "07:00")], "entry 1 is not"),
    ],
)
def test_bad_patterns_are_refused_with_a_clear_message(raw: Any, message: str) -> None:
    with pytest.raises(ShiftConfigError, match=message):
        parse_shifts(raw)


def test_default_pattern_parses_with_en_dashes() -> None:
    names = [d.name for d in parse_shifts("Day 07:00\u201315:00, Evening 15:00\u201323:00, Night 23:00\u201307:00")]
    assert names == ["Day", "Evening", "Night"]


def test_bad_setting_fails_when_used(settings: Any) -> None:
    settings.RTCC_SHIFTS = "Day 07:00-15:00"
    with pytest.raises(ShiftConfigError, match="RTCC_SHIFTS"):
        shift_at(utc(2026, 6, 10, 14))


def test_system_check_reports_a_bad_pattern(settings: Any) -> None:
    from shifts.checks import check_shift_pattern

    assert check_shift_pattern() == []
    settings.RTCC_SHIFTS = "Day 07:00-15:00"
    [error] = check_shift_pattern()
    assert error.id == "shifts.E001" and "gap or overlap" in error.msg
