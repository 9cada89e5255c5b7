"""GPS / electronic-monitoring feed: the ping schema and the batch handler for the pipeline."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure, validate_records
from feeds.records import FeedRecordSerializer, reject_future
from monitoring import services
from monitoring.models import Subject


class PingRecordSerializer(FeedRecordSerializer):
    """One position from a monitoring device (see docs/feeds.md)."""

    device_id = serializers.CharField(max_length=64, help_text="The device id the subject is registered under.")
    recorded_at = serializers.DateTimeField(
        validators=[reject_future],
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(min_value=0, max_value=100_000, required=False, allow_null=True)
    battery_pct = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class PingBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/gps/ (documentation; validation is per record)."""

    records = PingRecordSerializer(many=True)


def ping_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Store pings of registered devices and run the geofences; unknown devices are dead-lettered."""
    result = HandlerResult()
    valid = validate_records(records, PingRecordSerializer, result, id_field="device_id")
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
