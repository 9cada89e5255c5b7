"""CAP feed: one XML message per record; validation is the CAP 1.2 check of cap.parser."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cap import services
from cap.parser import CapError, parse_cap
from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure


class CapRecordSerializer(serializers.Serializer):
    """{"xml": "<alert xmlns=...cap:1.2>…</alert>"}; the ingest endpoint builds it from the XML body."""

    xml = serializers.CharField()

    def validate_xml(self, value: str) -> str:
        try:
            parse_cap(value)
        except CapError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


def cap_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    result = HandlerResult()
    for index, record in enumerate(records):
        try:
            message = parse_cap(record.get("xml", ""))
        except CapError as exc:
            result.failures.append(RecordFailure(index, "", str(exc)))
            continue
        services.cap_message_store(source=feed.slug, message=message, xml=record["xml"])
        result.saw(message.sent)
        result.processed += 1
    return result
