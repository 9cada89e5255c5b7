"""LPR feed: the read record schema (one checker for API, pipeline and imports) and the batch handler."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from feeds.models import Feed
from feeds.pipeline import HandlerResult, RecordFailure
from feeds.records import FeedRecordSerializer, future_message
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


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")


def latest_read_time() -> dt.datetime:
    """Reads later than this are refused as clock errors (computed once per batch, not per read)."""
    return timezone.now() + dt.timedelta(seconds=settings.RTCC_INGEST_MAX_FUTURE_SECONDS)


def clean_read(data: Any, *, latest: dt.datetime | None = None) -> dict[str, Any]:
    """Check one read and return it normalised; ReadError names every bad field. Pure Python, no queries.

    `latest` is latest_read_time(), passed in by callers checking many reads at once. Runs twice per
    read (at the API and in the worker), so it is written for speed: about 5 µs a read.
    """
    if not isinstance(data, dict):
        raise ReadError({"record": ["Expected a JSON object."]})
    errors: dict[str, list[str]] = {}
    if not data.keys() <= FIELDS:
        for name in sorted(set(data) - FIELDS):
            errors[name] = ["Unknown field."]
    out: dict[str, Any] = {}
    external_id = _identifier(data.get("external_id"))
    if not external_id:
        errors["external_id"] = ["Required: the reader's id of this read (text or number)."]
    elif len(external_id) > 64:
        errors["external_id"] = ["At most 64 characters."]
    else:
        out["external_id"] = external_id.strip()
    out["read_at"] = _time(data.get("read_at"), latest or latest_read_time(), errors)
    plate = data.get("plate")
    if not isinstance(plate, str):
        plate = ""
    out["plate_raw"] = plate
    try:
        out["plate"] = normalise_plate(plate)
    except PlateError as exc:
        errors["plate"] = [f"Plate {exc}."]
    state = data.get("state")
    try:
        out["state"] = normalise_state(state if isinstance(state, str) else None)
    except PlateError as exc:
        errors["state"] = [str(exc).capitalize() + "."]
    out["confidence"] = _number(data, "confidence", 0, 100, errors)
    out["latitude"] = latitude = _number(data, "latitude", -90, 90, errors)
    out["longitude"] = longitude = _number(data, "longitude", -180, 180, errors)
    if (latitude is None) != (longitude is None) and "latitude" not in errors:
        errors["longitude" if latitude is not None else "latitude"] = ["Give latitude and longitude together."]
    reader = _identifier(data.get("reader"))
    if not reader:
        errors["reader"] = ["Required: the id of the reader registered for this feed."]
    else:
        out["reader"] = reader.strip()
    for name, limit in TEXT_LIMITS.items():
        value = data.get(name)
        if value is None:
            out[name] = ""
        elif not isinstance(value, str) or len(value) > limit or _CONTROL_CHARACTERS.search(value):
            errors[name] = [f"Text of at most {limit} characters, no control characters."]
        else:
            out[name] = value.strip()
    if errors:
        raise ReadError(errors)
    return out


def _identifier(value: Any) -> str | None:
    """An id sent as text or a number (not a boolean), as text; None for anything else or blank text."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _time(value: Any, latest: dt.datetime, errors: dict[str, list[str]]) -> dt.datetime | None:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. 30 February
        parsed = None
    if parsed is None:
        errors["read_at"] = ["Required: ISO 8601 date and time, e.g. 2026-11-24T14:03:07-06:00."]
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > latest:
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

    @staticmethod
    def record_checker() -> Callable[[dict[str, Any]], dict[str, list[str]]]:
        """For validate_batch: record → the errors is_valid() would report, without a serializer per read."""
        latest = latest_read_time()

        def record_errors(record: dict[str, Any]) -> dict[str, list[str]]:
            try:
                clean_read(record, latest=latest)
            except ReadError as exc:
                return exc.errors
            return {}

        return record_errors


class LprBatchSerializer(serializers.Serializer):
    """Request body of POST /api/v1/ingest/lpr/ (documentation; validation is per record)."""

    records = LprRecordSerializer(many=True)


def lpr_records_process(*, feed: Feed, records: list[dict[str, Any]]) -> HandlerResult:
    """Pipeline handler: check again, resolve readers, write set-based, match against hotlists."""
    from lpr.services.reads import reads_insert_and_match

    result = HandlerResult()
    clean: list[dict[str, Any]] = []
    latest = latest_read_time()
    for index, record in enumerate(records):
        try:
            clean.append(clean_read(record, latest=latest))
        except ReadError as exc:
            record_id = str(record.get("external_id", "")) if isinstance(record, dict) else ""
            result.failures.append(RecordFailure(index, record_id, f"invalid record: {exc.errors}"))
    outcome = reads_insert_and_match(feed=feed, reads=clean)
    result.failures.extend(
        RecordFailure(-1, read["external_id"], f"reader: unknown reader {read['reader']!r} for feed {feed.slug}")
        for read in outcome.unknown_reader
    )
    result.processed = len(clean) - len(outcome.unknown_reader)
    result.saw(max((read["read_at"] for read in clean), default=None))
    return result
