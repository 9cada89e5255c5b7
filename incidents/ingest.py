"""CAD feed: the published record schema (validation) and the batch handler for the pipeline."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure, validate_records
from feeds.records import FeedRecordSerializer, future_message, too_far_in_future
from incidents import selectors, services
from incidents.choices import IncidentStatus, Priority


def optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)


class CadRecordSerializer(FeedRecordSerializer):
    """One call for service as a CAD system sends it (see docs/feeds.md)."""

    external_id = serializers.CharField(max_length=64, help_text="CAD number, unique within the feed.")
    call_type = serializers.CharField(max_length=64, help_text="Initial call type code.")
    final_call_type = optional_text(64)
    priority = serializers.ChoiceField(
        choices=Priority.choices, required=False, help_text="1 (emergency) … 5; else from the call-type table."
    )
    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)
    received_at = serializers.DateTimeField(help_text="ISO 8601; without offset, the agency time zone.")
    dispatched_at = serializers.DateTimeField(required=False, allow_null=True)
    arrived_at = serializers.DateTimeField(required=False, allow_null=True)
    closed_at = serializers.DateTimeField(required=False, allow_null=True)
    address = optional_text(255)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    beat = optional_text(16)
    district = optional_text(16)
    disposition = optional_text(128)
    narrative = optional_text(4000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        future = {
            name: [future_message()]
            for name in ("received_at", "dispatched_at", "arrived_at", "closed_at")
            if too_far_in_future(attrs.get(name))
        }
        if future:
            raise serializers.ValidationError(future)
        has_lat = attrs.get("latitude") is not None
        has_lon = attrs.get("longitude") is not None
        if has_lat != has_lon:
            missing = "longitude" if has_lat else "latitude"
            raise serializers.ValidationError({missing: ["latitude and longitude must be given together."]})
        return attrs


class CadBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/cad/ (documentation; validation is per record)."""

    records = CadRecordSerializer(many=True)


def cad_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Pipeline handler: validate again (schema may have changed since accept), resolve, upsert."""
    result = HandlerResult()
    valid = validate_records(records, CadRecordSerializer, result)
    for _, data in valid:
        result.saw(data["received_at"], data.get("dispatched_at"), data.get("arrived_at"), data.get("closed_at"))

    normalised: list[tuple[int, services.IncidentData]] = []
    call_types = services.call_type_priorities(
        codes={data.get("final_call_type") or data["call_type"] for _, data in valid}
    )
    # A new incident takes the feed's priority or its call type's default; an update that
    # leaves priority out keeps the stored one (analysts' view must not jump on a re-send).
    has_priority = selectors.incident_external_ids_existing(
        source=feed.slug, external_ids=[data["external_id"] for _, data in valid]
    )
    for index, data in valid:
        item = services.incident_data_normalise(data=data)
        if "priority" not in item and item["external_id"] not in has_priority:
            code = data.get("final_call_type") or data["call_type"]
            if code not in call_types:
                error = (
                    f"priority: not given, and call type {code!r} is not in the call-type table "
                    "(add it in the admin, then replay the dead letter)"
                )
                result.failures.append(_failure(index, records[index], error))
                continue
            item["priority"] = call_types[code]
        has_priority.add(item["external_id"])
        normalised.append((index, item))

    services.incidents_upsert(source=feed.slug, items=[item for _, item in normalised])
    result.processed = len(normalised)
    return result


def _failure(index: int, record: Any, error: str) -> RecordFailure:
    external_id = str(record.get("external_id", "")) if isinstance(record, dict) else ""
    return RecordFailure(index=index, external_id=external_id, error=error)
