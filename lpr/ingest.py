"""LPR feed: the read record schema (one checker for API, pipeline and imports) and the batch handler."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure
from feeds.records import FeedRecordSerializer, future_message, too_far_in_future
from lpr.plates import PlateError, normalise_plate, normalise_state

TEXT_LIMITS = {
    "direction": 16,
    "vehicle_make": 40,
    "vehicle_model": 40,
    "vehicle_color": 40,
    "vehicle_type": 40,
    "image_ref": 300,
}
FIELDS = {"external_id", "read_at", "plate", "state", "confidence", "latitude", "longitude", "reader", *TEXT_LIMITS}


class ReadError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def clean_read(data: Any) -> dict[str, Any]:
    """Check one read and return it normalised; ReadError names every bad field. Pure Python, no queries."""
    if not isinstance(data, dict):
        raise ReadError({"record": ["Expected a JSON object."]})
    errors: dict[str, list[str]] = {}
    for name in sorted(set(data) - FIELDS):
        errors[name] = ["Unknown field."]
    out: dict[str, Any] = {}
    external_id = data.get("external_id")
    if not isinstance(external_id, str | int) or isinstance(external_id, bool) or not str(external_id).strip():
        errors["external_id"] = ["Required: the reader's id of this read (text or number)."]
    elif len(str(external_id)) > 64:
        errors["external_id"] = ["At most 64 characters."]
    else:
        out["external_id"] = str(external_id).strip()
    out["read_at"] = _time(data.get("read_at"), errors)
    try:
        plate = data.get("plate")
        out["plate_raw"] = plate if isinstance(plate, str) else ""
        out["plate"] = normalise_plate(plate if isinstance(plate, str) else "")
    except PlateError as exc:
        errors["plate"] = [f"Plate {exc}."]
    try:
        out["state"] = normalise_state(data.get("state") if isinstance(data.get("state"), str) else None)
    except PlateError as exc:
        errors["state"] = [str(exc).capitalize() + "."]
    out["confidence"] = _number(data, "confidence", 0, 100, errors)
    out["latitude"] = _number(data, "latitude", -90, 90, errors)
    out["longitude"] = _number(data, "longitude", -180, 180, errors)
    if (out["latitude"] is None) != (out["longitude"] is None) and "latitude" not in errors:
        errors["longitude" if out["latitude"] is not None else "latitude"] = ["Give latitude and longitude together."]
    reader = data.get("reader")
    if not isinstance(reader, str | int) or isinstance(reader, bool) or not str(reader).strip():
        errors["reader"] = ["Required: the id of the reader registered for this feed."]
    else:
        out["reader"] = str(reader).strip()
    for name, limit in TEXT_LIMITS.items():
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value) > limit or any(ord(ch) < 32 for ch in value):
            errors[name] = [f"Text of at most {limit} characters, no control characters."]
        else:
            out[name] = value.strip()
    if errors:
        raise ReadError(errors)
    return out


def _time(value: Any, errors: dict[str, list[str]]) -> dt.datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        errors["read_at"] = ["Required: ISO 8601 date and time, e.g. 2026-11-24T14:03:07-06:00."]
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if too_far_in_future(parsed):
        errors["read_at"] = [future_message()]
    return parsed


def _number(data: dict[str, Any], name: str, low: float, high: float, errors: dict[str, list[str]]) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors[name] = ["Must be a number."]
        return None
    if not low <= value <= high:
        errors[name] = [f"Must be between {low} and {high}."]
        return None
    return float(value)


class LprRecordSerializer(FeedRecordSerializer):
    """One plate read as a reader or its agent sends it (see docs/lpr.md)."""

    external_id = serializers.CharField(max_length=64, help_text="The reader's id of this read (duplicates ignored).")
    read_at = serializers.DateTimeField(help_text="ISO 8601; without offset, the agency time zone.")
    plate = serializers.CharField(max_length=16, help_text="As read; normalised to A-Z0-9 (max 10).")
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    confidence = serializers.FloatField(min_value=0, max_value=100, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    reader = serializers.CharField(max_length=64, help_text="Id of a reader registered for this feed.")
    direction = serializers.CharField(max_length=16, required=False, allow_blank=True)
    vehicle_make = serializers.CharField(max_length=40, required=False, allow_blank=True)
    vehicle_model = serializers.CharField(max_length=40, required=False, allow_blank=True)
    vehicle_color = serializers.CharField(max_length=40, required=False, allow_blank=True)
    vehicle_type = serializers.CharField(max_length=40, required=False, allow_blank=True)
    image_ref = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            return clean_read(data)
        except ReadError as exc:
            raise serializers.ValidationError(exc.errors) from exc


class LprBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/lpr/ (documentation; validation is per record)."""

    records = LprRecordSerializer(many=True)


def lpr_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Pipeline handler: check again, resolve readers, write set-based, match against hotlists."""
    from lpr.services.reads import reads_insert_and_match

    result = HandlerResult()
    clean: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        try:
            clean.append(clean_read(record))
        except ReadError as exc:
            record_id = str(record.get("external_id", "")) if isinstance(record, dict) else ""
            result.failures.append(RecordFailure(index, record_id, f"invalid record: {exc.errors}"))
    outcome = reads_insert_and_match(feed=feed, reads=clean)
    result.failures.extend(
        RecordFailure(-1, read["external_id"], f"reader: unknown reader {read['reader']!r} for feed {feed.slug}")
        for read in outcome.unknown_reader
    )
    result.processed = len(clean) - len(outcome.unknown_reader)
    for read in clean:
        result.saw(read["read_at"])
    return result
