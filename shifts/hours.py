"""Hours of operation: the shift pattern (settings.RTCC_SHIFTS) and which shift a moment falls in.

RTCC_SHIFTS is either a string "Day 07:00-15:00, Evening 15:00-23:00, Night 23:00-07:00" (an en
dash works too) or a list of (name, "HH:MM", "HH:MM") tuples. Times are wall-clock times in the
agency time zone (settings.TIME_ZONE). The shifts must cover the whole day without gap or overlap;
a shift whose end is not after its start crosses midnight. On DST days a shift that spans 02:00 is
an hour shorter (spring) or longer (autumn): boundaries stay on the wall clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_SHIFTS = "Day 07:00-15:00, Evening 15:00-23:00, Night 23:00-07:00"
DEFAULT_BANNER_MINUTES = 30
_ENTRY = re.compile(r"^\s*(?P<name>\S.*?)\s+(?P<start>\d{1,2}:\d{2})\s*[-\u2013]\s*(?P<end>\d{1,2}:\d{2})\s*$")


class ShiftConfigError(ImproperlyConfigured):
    """RTCC_SHIFTS cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class ShiftDefinition:
    name: str
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class ShiftWindow:
    """One occurrence of a shift: its name, the local date it starts on, and its bounds (UTC)."""

    name: str
    date: date
    starts_at: datetime
    ends_at: datetime

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def _parse_time(value: str, where: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ShiftConfigError(f"RTCC_SHIFTS: {where}: {value!r} is not a time HH:MM (00:00 to 23:59)")
    return time(int(match[1]), int(match[2]))


def _entries(raw: Any) -> list[tuple[str, str, str]]:
    if isinstance(raw, str):
        entries = []
        for index, part in enumerate(p for p in raw.split(",") if p.strip()):
            match = _ENTRY.match(part)
            if not match:
                raise ShiftConfigError(f"RTCC_SHIFTS: entry {index + 1} ({part.strip()!r}) is not 'Name HH:MM-HH:MM'")
            entries.append((match["name"], match["start"], match["end"]))
        return entries
    if isinstance(raw, list | tuple):
        entries = []
        for index, item in enumerate(raw):
            if not isinstance(item, list | tuple) or len(item) != 3 or not all(isinstance(v, str) for v in item):
                raise ShiftConfigError(f"RTCC_SHIFTS: entry {index + 1} is not (name, 'HH:MM', 'HH:MM')")
            entries.append((item[0], item[1], item[2]))
        return entries
    raise ShiftConfigError("RTCC_SHIFTS: expected a string or a list of (name, start, end)")


def parse_shifts(raw: Any) -> list[ShiftDefinition]:
    """Check and parse a shift pattern; raise ShiftConfigError naming the first problem."""
    definitions = []
    for name, start, end in _entries(raw):
        name = name.strip()
        if not name or len(name) > 40:
            raise ShiftConfigError(f"RTCC_SHIFTS: shift name {name!r} must be 1 to 40 characters")
        definitions.append(ShiftDefinition(name, _parse_time(start, name), _parse_time(end, name)))
    if not definitions:
        raise ShiftConfigError("RTCC_SHIFTS: no shift defined")
    names = [d.name for d in definitions]
    if len(set(names)) != len(names):
        raise ShiftConfigError("RTCC_SHIFTS: shift names must be unique")
    if sum(d.crosses_midnight for d in definitions) > 1:
        raise ShiftConfigError("RTCC_SHIFTS: at most one shift may cross midnight")
    ordered = sorted(definitions, key=lambda d: d.start)
    for current, following in zip(ordered, ordered[1:] + ordered[:1], strict=True):
        if current.end != following.start:
            raise ShiftConfigError(
                f"RTCC_SHIFTS: {current.name} ends at {current.end:%H:%M} but the next shift "
                f"({following.name}) starts at {following.start:%H:%M}: the shifts must cover the day "
                "without gap or overlap"
            )
    return ordered


def configured_shifts() -> list[ShiftDefinition]:
    return parse_shifts(getattr(settings, "RTCC_SHIFTS", DEFAULT_SHIFTS))


def banner_minutes() -> int:
    return int(getattr(settings, "RTCC_HANDOVER_BANNER_MINUTES", DEFAULT_BANNER_MINUTES))


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def window_of(definition: ShiftDefinition, day: date) -> ShiftWindow:
    """The occurrence of `definition` that starts on local date `day`."""
    zone = _zone()
    end_day = day + timedelta(days=1) if definition.crosses_midnight else day
    starts_at = datetime.combine(day, definition.start, tzinfo=zone).astimezone(UTC)
    ends_at = datetime.combine(end_day, definition.end, tzinfo=zone).astimezone(UTC)
    return ShiftWindow(definition.name, day, starts_at, ends_at)


def shift_window(shift_date: date, name: str) -> ShiftWindow | None:
    for definition in configured_shifts():
        if definition.name == name:
            return window_of(definition, shift_date)
    return None


def shifts_of_day(day: date) -> list[ShiftWindow]:
    """Every shift starting on local date `day`, in order."""
    return [window_of(d, day) for d in configured_shifts()]


def shift_at(moment: datetime) -> ShiftWindow:
    """The shift a moment falls in (a night shift that started yesterday counts as yesterday's)."""
    if moment.tzinfo is None:
        raise ValueError("shift_at needs an aware datetime")
    local_day = moment.astimezone(_zone()).date()
    for day in (local_day - timedelta(days=1), local_day):
        for window in shifts_of_day(day):
            if window.contains(moment):
                return window
    raise ShiftConfigError("RTCC_SHIFTS: no shift covers " + moment.isoformat())  # unreachable when valid


def previous_shift(window: ShiftWindow) -> ShiftWindow:
    return shift_at(window.starts_at - timedelta(microseconds=1))
