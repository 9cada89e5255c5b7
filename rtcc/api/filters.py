"""django-filter filters shared by list APIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
MAX_OFFSET = timedelta(hours=14)


class PlausibleIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time in 1900-2199 with a real-world UTC offset, handed on in UTC.

    PostgreSQL refuses offsets beyond ±15:59 that Python accepts (a 500 found by the fuzzer).
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise forms.ValidationError(f"Must be between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="invalid")
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError("The UTC offset must be within ±14:00.", code="invalid")
        return parsed.astimezone(UTC)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """`?since=2026-11-23T10:00:00-06:00`: a bad value is a 400 naming the parameter."""

    field_class = PlausibleIsoDateTimeField
