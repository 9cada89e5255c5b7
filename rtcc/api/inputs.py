"""Input checking shared by API views: one message that names the first bad field, all errors in details."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from rtcc.errors import InvalidInput


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate `data`; raise InvalidInput ("field: message") so the client knows what to fix."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise InvalidInput(describe_errors(serializer.errors), details=serializer.errors)
    return dict(serializer.validated_data)


def describe_errors(errors: Any) -> str:
    if isinstance(errors, dict) and errors:
        field, messages = next(iter(errors.items()))
        if isinstance(messages, dict):
            return f"{field}.{describe_errors(messages)}"
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        return f"{field}: {text}" if field != "non_field_errors" else text
    if isinstance(errors, list) and errors:
        return " ".join(str(m) for m in errors)
    return "Invalid input."


class DateTimeField(serializers.DateTimeField):
    """An input date-time in a plausible range (1900-2199); anything else is a typo, answered with 400.

    Years before 1900 would also come back in the local zone's mean solar time (offsets with
    seconds, e.g. -05:50:36), which is not an RFC 3339 date-time.
    """

    earliest_year = 1900
    latest_year = 2199

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        if not self.earliest_year <= parsed.year <= self.latest_year:
            raise serializers.ValidationError(f"must be between {self.earliest_year} and {self.latest_year}.")
        return parsed
