"""The filter every analytics view takes: a date range in the agency's time zone, a district, call types.

Parsed from a query string (pages, API, CSV export, drill-down all use the same names) so a bad
value is a 400 naming the field, never a 500 and never a silently widened range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from rtcc.errors import InvalidInput

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: the longest range a dashboard is asked for (a year against the year before)
MAX_CALL_TYPES = 20
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
BUCKETS = ("", "day", "week", "month")


def agency_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today() -> dt.date:
    return timezone.localtime(timezone.now(), agency_zone()).date()


@dataclass(frozen=True)
class MetricFilter:
    """Inclusive local dates `start`..`end`; `district` "" = all; `call_types` empty = all."""

    start: dt.date
    end: dt.date
    district: str = ""
    call_types: tuple[str, ...] = field(default_factory=tuple)
    bucket_choice: str = ""  # "day", "week", "month" or "" (chosen from the range's length)

    @property
    def bucket(self) -> str:
        """Time bucket of "over time" tables: asked for, else day up to 62 days, week up to 366, else month."""
        if self.bucket_choice:
            return self.bucket_choice
        return "day" if self.days <= 62 else "week" if self.days <= 366 else "month"

    @property
    def since(self) -> dt.datetime:
        """Aware start instant: local midnight at the start of `start`."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=agency_zone())

    @property
    def until(self) -> dt.datetime:
        """Aware end instant (exclusive): local midnight after `end`."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=agency_zone())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_params(self) -> dict[str, Any]:
        """The query-string form (for links to exports and drill-downs)."""
        params: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.district:
            params["district"] = self.district
        if self.call_types:
            params["call_type"] = list(self.call_types)
        if self.bucket_choice:
            params["bucket"] = self.bucket_choice
        return params

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, **kwargs: Any) -> MetricFilter:
        end = local_today()
        return cls(start=end - dt.timedelta(days=days - 1), end=end, **kwargs)


def _date(params: QueryDict | dict[str, Any], name: str) -> dt.date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(f"{name}: use a date like 2026-11-01.", details={name: ["Enter a valid date."]}) from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput(
            f"{name}: must be between {EARLIEST_YEAR} and {LATEST_YEAR}.", details={name: ["Out of range."]}
        )
    return value


def parse_filter(params: QueryDict | dict[str, Any], *, default_days: int = DEFAULT_DAYS) -> MetricFilter:
    """`start`, `end` (YYYY-MM-DD, inclusive), `district`, `call_type` (repeatable). Raises InvalidInput."""
    start, end = _date(params, "start"), _date(params, "end")
    if end is None:
        end = local_today() if start is None else min(local_today(), start + dt.timedelta(days=default_days - 1))
    if start is None:
        start = end - dt.timedelta(days=default_days - 1)
    if start > end:
        raise InvalidInput("start: must be on or before end.", details={"start": ["After end."]})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"end: the range is at most {MAX_DAYS} days.", details={"end": ["Range too long."]})
    district = str(params.get("district") or "").strip()
    if "\x00" in district:
        raise InvalidInput("district: must not contain NUL characters.", details={"district": ["Invalid."]})
    if len(district) > 16:
        raise InvalidInput("district: at most 16 characters.", details={"district": ["Too long."]})
    raw_types = params.getlist("call_type") if isinstance(params, QueryDict) else params.get("call_type") or []
    if isinstance(raw_types, str):
        raw_types = [raw_types]
    call_types = tuple(sorted({str(t).strip() for t in raw_types if str(t).strip()}))
    if len(call_types) > MAX_CALL_TYPES:
        raise InvalidInput(
            f"call_type: at most {MAX_CALL_TYPES} call types.", details={"call_type": ["Too many values."]}
        )
    if any("\x00" in t for t in call_types):
        raise InvalidInput("call_type: must not contain NUL characters.", details={"call_type": ["Invalid."]})
    if any(len(t) > 64 for t in call_types):
        raise InvalidInput("call_type: at most 64 characters each.", details={"call_type": ["Too long."]})
    bucket = str(params.get("bucket") or "")
    if bucket not in BUCKETS:
        raise InvalidInput("bucket: one of day, week, month.", details={"bucket": ["Not a choice."]})
    return MetricFilter(start=start, end=end, district=district, call_types=call_types, bucket_choice=bucket)
