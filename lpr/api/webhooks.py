"""POST /api/v1/ingest/lpr/openalpr/: the OpenALPR / Rekor agent's `alpr_group` webhook (feed API key)."""

from __future__ import annotations

from typing import IO, Any

import orjson
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from feeds import pipeline, services
from feeds.api.serializers import validate_batch
from feeds.models import Feed
from lpr.adapters.openalpr import InvalidGroups, records_from_payload
from lpr.api.ingest import LprIngestApi
from rtcc.errors import InvalidInput
from rtcc.parsers import LimitedJSONParser, read_limited

UTF8_BOM = b"\xef\xbb\xbf"


class BomTolerantJSONParser(LimitedJSONParser):
    """JSON that may start with a UTF-8 byte-order mark (the agent's payloads can; orjson refuses one)."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = read_limited(stream).removeprefix(UTF8_BOM)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc


class WebhookAccepted(serializers.Serializer):
    batch_id = serializers.UUIDField(allow_null=True, help_text="Null when every group was a preview.")
    accepted = serializers.IntegerField(help_text="Reads queued (one per final alpr_group).")
    previews_skipped = serializers.IntegerField(help_text="Preview groups; the agent sends the final group later.")


class OpenAlprWebhookApi(LprIngestApi):
    """One `alpr_group` object (or a list of them) as the agent posts it; see docs/lpr-ingest.md for the mapping."""

    parser_classes = [BomTolerantJSONParser]

    @extend_schema(
        operation_id="ingest_lpr_openalpr",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={202: WebhookAccepted, 200: WebhookAccepted},
        examples=[
            OpenApiExample(
                "alpr_group (abridged)",
                value={
                    "data_type": "alpr_group",
                    "epoch_start": 1609433731402,
                    "agent_uid": "U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N",
                    "camera_id": 106232737,
                    "best_uuid": "U8HGWA66CW58AV9Q7YB4JJ749CV7WXNQLLNIBT4N-106232737-1609433731402",
                    "best_plate_number": "A424761",
                    "best_confidence": 93.5,
                    "best_region": "us-in",
                    "best_region_confidence": 91.4,
                    "travel_direction": 257.4,
                    "is_preview": False,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        feed = request.auth
        assert isinstance(feed, Feed)  # guaranteed by IsFeedOfKind
        payload = request.data
        sent = len(payload) if isinstance(payload, list) else 1
        try:
            if isinstance(payload, list) and not payload:
                raise InvalidInput("body: expected an alpr_group object or a non-empty list of them.")
            try:
                groups = records_from_payload(payload)
            except InvalidGroups as exc:
                raise InvalidInput(str(exc), details={"groups": exc.problems[:100]}) from exc
            if groups.records:
                self._check(feed, groups.records, groups.positions)
        except InvalidInput:
            services.feed_rejections_count(feed=feed, records=sent)
            raise
        if not groups.records:
            body = {"batch_id": None, "accepted": 0, "previews_skipped": groups.previews}
            return Response(body, status=status.HTTP_200_OK)
        batch = services.inbox_batch_accept(feed=feed, records=groups.records)
        return Response(
            {"batch_id": str(batch.id), "accepted": batch.record_count, "previews_skipped": groups.previews},
            status=status.HTTP_202_ACCEPTED,
        )

    def _check(self, feed: Feed, records: list[dict[str, Any]], positions: list[int]) -> None:
        """The read checks of POST /ingest/lpr/, with problems named by the group's place in the payload."""
        try:
            validate_batch(
                body={"records": records},
                record_serializer=pipeline.validator_for(self.feed_kind),
                max_records=self.max_records,
            )
            self.check_records(feed, records)
        except InvalidInput as exc:
            if not exc.details:
                raise
            problems = [{**problem, "index": positions[problem["index"]]} for problem in exc.details["records"]]
            first = problems[0]
            raise InvalidInput(
                f"alpr_group {first['index']}: {_describe(first['errors'])}; nothing was accepted"
                + (f" ({len(problems)} groups have problems)." if len(problems) > 1 else "."),
                details={"groups": problems},
            ) from exc


def _describe(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
