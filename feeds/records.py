"""Shared parts of every feed record schema (CAD, shots, GPS…)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers


class FeedRecordSerializer(serializers.Serializer):
    """Base of the record schemas: unknown fields are refused, so a misspelt field is never dropped."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


def too_far_in_future(value: datetime | None) -> bool:
    """True when a record time is more than RTCC_INGEST_MAX_FUTURE_SECONDS ahead (a sender's clock error)."""
    latest_allowed = timezone.now() + timedelta(seconds=settings.RTCC_INGEST_MAX_FUTURE_SECONDS)
    return value is not None and value > latest_allowed


def future_message() -> str:
    return f"More than {settings.RTCC_INGEST_MAX_FUTURE_SECONDS} s in the future (sender's clock?)."


def reject_future(value: datetime) -> None:
    """Field validator for a single record time."""
    if too_far_in_future(value):
        raise serializers.ValidationError(future_message())
