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
