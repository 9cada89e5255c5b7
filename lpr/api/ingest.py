"""POST /api/v1/ingest/lpr/: plate reads from readers or their agents (feed API key)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from feeds.api.serializers import IngestAccepted
from feeds.api.views import IngestApi
from feeds.choices import FeedKind
from feeds.models import Feed
from lpr.ingest import LprBatchSerializer
from lpr.models import Reader
from rtcc.errors import InvalidInput


class LprIngestApi(IngestApi):
    """Plate reads: `{"records": [<read>, ...]}`, up to RTCC_LPR_INGEST_MAX_RECORDS (10,000) per batch."""

    feed_kind = FeedKind.LPR

    @property
    def max_records(self) -> int:  # type: ignore[override]
        return settings.RTCC_LPR_INGEST_MAX_RECORDS

    def check_records(self, feed: Feed, records: list[dict[str, Any]]) -> None:
        known = set(
            Reader.objects.filter(feed=feed, external_id__in={str(r.get("reader")) for r in records}).values_list(
                "external_id", flat=True
            )
        )
        problems = [
            {
                "index": index,
                "external_id": record.get("external_id"),
                "errors": {"reader": [f"Unknown reader {record.get('reader')!r} for this feed."]},
            }
            for index, record in enumerate(records)
            if str(record.get("reader")) not in known
        ]
        if problems:
            first = problems[0]
            raise InvalidInput(
                f"{len(problems)} of {len(records)} records name an unknown reader (first: record {first['index']}, "
                "field(s) reader); nothing was accepted. Register readers first (docs/lpr.md).",
                details={"records": problems[:100]},
            )

    @extend_schema(
        request=LprBatchSerializer,
        responses={202: IngestAccepted},
        examples=[
            OpenApiExample(
                "One read",
                value={
                    "records": [
                        {
                            "external_id": "r-000123",
                            "read_at": "2026-11-24T14:03:07-06:00",
                            "plate": "ABC 1234",
                            "state": "WI",
                            "confidence": 91.5,
                            "reader": "pole-17-nb",
                            "latitude": 43.0389,
                            "longitude": -87.9065,
                            "vehicle_make": "Toyota",
                            "vehicle_color": "silver",
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)
