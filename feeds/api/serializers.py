from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from rest_framework import serializers

from rtcc.errors import InvalidInput


class IngestAccepted(serializers.Serializer):
    batch_id = serializers.UUIDField()
    accepted = serializers.IntegerField()


def validate_batch(
    *, body: Any, record_serializer: type[serializers.Serializer], max_records: int | None = None
) -> list[dict[str, Any]]:
    """Check an ingest body `{"records": [...]}`; every bad record and field is named at once.

    A record schema may offer `record_checker()`, returning a function record → {field: [message]}
    that gives the errors is_valid() would, so that big batches (LPR: 10,000 reads) skip building a
    DRF serializer per record.
    """
    if not isinstance(body, dict) or set(body) != {"records"}:
        raise InvalidInput('body: expected a JSON object with exactly one key, "records".')
    records = body["records"]
    if not isinstance(records, list) or not records:
        raise InvalidInput("records: expected a non-empty list of records.")
    limit = max_records or settings.RTCC_INGEST_MAX_RECORDS
    if len(records) > limit:
        raise InvalidInput(f"records: at most {limit} records per batch, got {len(records)}.")
    problems: list[dict[str, Any]] = []
    first_index: dict[Any, int] = {}
    checker = getattr(record_serializer, "record_checker", None)
    record_errors = checker() if checker is not None else partial(_serializer_errors, record_serializer)
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            problems.append({"index": index, "errors": {"record": ["Expected a JSON object."]}})
            continue
        errors = record_errors(record)
        external_id = record.get("external_id")
        if isinstance(external_id, str | int) and external_id in first_index:
            # One record per id per batch: the order of two updates in one batch is the sender's guess.
            errors.setdefault("external_id", []).append(
                f"Duplicate in this batch (first at record {first_index[external_id]}); send updates in later batches."
            )
        elif isinstance(external_id, str | int):
            first_index[external_id] = index
        if errors:
            problems.append({"index": index, "external_id": external_id, "errors": errors})
    if problems:
        first = problems[0]
        fields = ", ".join(sorted(first["errors"]))
        raise InvalidInput(
            f"{len(problems)} of {len(records)} records are invalid (first: record {first['index']}, "
            f"field(s) {fields}); nothing was accepted.",
            details={"records": problems[:100]},
        )
    return records


def _serializer_errors(record_serializer: type[serializers.Serializer], record: dict[str, Any]) -> dict[str, Any]:
    serializer = record_serializer(data=record)
    return {} if serializer.is_valid() else dict(serializer.errors)
