"""GPS / electronic-monitoring feed: the ping schema and the batch handler for the pipeline."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure
from monitoring import services
from monitoring.models import Subject


class PingRecordSerializer(serializers.Serializer):
    """One position from a monitoring device (see docs/feeds.md)."""

    device_id = serializers.CharField(max_length=64, help_text="The device id the subject is registered under.")
    recorded_at = serializers.DateTimeField()
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(min_value=0, max_value=100_000, required=False, allow_null=True)
    battery_pct = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    def validate_recorded_at(self, value: Any) -> Any:
        if value > timezone.now() + timedelta(seconds=settings.RTCC_INGEST_MAX_FUTURE_SECONDS):
            raise serializers.ValidationError(
                f"More than {settings.RTCC_INGEST_MAX_FUTURE_SECONDS} s in the future (sender's clock?)."
            )
        return value


class PingBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/gps/ (documentation; validation is per record)."""

    records = PingRecordSerializer(many=True)


def ping_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Store pings of registered devices and run the geofences; unknown devices are dead-lettered."""
    result = HandlerResult()
    valid: list[tuple[int, dict[str, Any]]] = []
    for index, record in enumerate(records):
        serializer = PingRecordSerializer(data=record)
        if serializer.is_valid():
            valid.append((index, dict(serializer.validated_data)))
        else:
            device = str(record.get("device_id", "")) if isinstance(record, dict) else ""
            result.failures.append(RecordFailure(index, device, f"invalid record: {serializer.errors}"))
    subjects = {
        subject.device_id: subject
        for subject in Subject.objects.filter(source=feed.slug, device_id__in={d["device_id"] for _, d in valid})
    }
    by_subject: dict[Subject, list[dict[str, Any]]] = defaultdict(list)
    for index, data in valid:
        subject = subjects.get(data["device_id"])
        if subject is None:
            error = f"device_id: no subject registered for device {data['device_id']!r} (register it, then replay)"
            result.failures.append(RecordFailure(index, data["device_id"], error))
            continue
        by_subject[subject].append(data)
        result.saw(data["recorded_at"])
        result.processed += 1
    services.pings_record(pings=by_subject)
    return result
