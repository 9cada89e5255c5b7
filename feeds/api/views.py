from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cap.ingest import CapRecordSerializer
from feeds import pipeline, services
from feeds.api.serializers import IngestAccepted, validate_batch
from feeds.authentication import FeedApiKeyAuthentication, FeedPrincipal
from feeds.choices import FeedKind
from feeds.models import Feed
from incidents.ingest import CadBatchSerializer
from monitoring.ingest import PingBatchSerializer
from rtcc.errors import InvalidInput
from rtcc.parsers import XML_PARSERS
from rtcc.throttles import FeedIngestThrottle
from shots.ingest import ShotsBatchSerializer


class IsFeedOfKind(BasePermission):
    message = "This endpoint needs the API key of a feed of the matching kind."

    def has_permission(self, request: Request, view: APIView) -> bool:
        principal = request.user
        return isinstance(principal, FeedPrincipal) and principal.feed.kind == getattr(view, "feed_kind", None)


class IngestApi(APIView):
    """Base of every ingest endpoint: validate all, persist the raw batch, answer 202."""

    authentication_classes = [FeedApiKeyAuthentication]
    permission_classes = [IsFeedOfKind]
    throttle_classes = [FeedIngestThrottle]  # RTCC_INGEST_RATE per feed key (429 + Retry-After)
    feed_kind: str = ""
    max_records: int | None = None

    def check_records(self, feed: Feed, records: list[dict[str, Any]]) -> None:
        """Checks that need the database (e.g. known readers); raise InvalidInput naming the records."""

    def post(self, request: Request) -> Response:
        feed = request.auth
        assert isinstance(feed, Feed)  # guaranteed by IsFeedOfKind
        try:
            records = validate_batch(
                body=request.data,
                record_serializer=pipeline.validator_for(self.feed_kind),
                max_records=self.max_records,
            )
            self.check_records(feed, records)
        except InvalidInput:
            sent = request.data.get("records") if isinstance(request.data, dict) else None
            services.feed_rejections_count(feed=feed, records=len(sent) if isinstance(sent, list) else 1)
            raise
        batch = services.inbox_batch_accept(feed=feed, records=records)
        services.inbox_batch_process_inline(batch=batch)  # shots: no wait for a worker (never raises)
        return Response({"batch_id": str(batch.id), "accepted": batch.record_count}, status=status.HTTP_202_ACCEPTED)


class CadIngestApi(IngestApi):
    """Calls for service from a CAD system: `{"records": [<CAD record>, ...]}`."""

    feed_kind = FeedKind.CAD

    @extend_schema(
        request=CadBatchSerializer,
        responses={202: IngestAccepted},
        examples=[
            OpenApiExample(
                "One call",
                value={
                    "records": [
                        {
                            "external_id": "1211372",
                            "call_type": "SHOTS FIRED",
                            "priority": 1,
                            "received_at": "2018-05-01T00:10:28-05:00",
                            "address": "5237 N 35TH ST",
                            "latitude": 43.1128,
                            "longitude": -87.9567,
                            "district": "4",
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class ShotsIngestApi(IngestApi):
    """Gunshot detections from an acoustic sensor vendor: `{"records": [<detection>, ...]}`."""

    feed_kind = FeedKind.SHOTS

    @extend_schema(
        request=ShotsBatchSerializer,
        responses={202: IngestAccepted},
        examples=[
            OpenApiExample(
                "One detection",
                value={
                    "records": [
                        {
                            "external_id": "SST-20261123-0042",
                            "detected_at": "2026-11-23T22:41:07-06:00",
                            "latitude": 43.0695,
                            "longitude": -87.9447,
                            "rounds": 3,
                            "type": "multiple",
                            "confidence": 0.93,
                            "review_status": "pending",
                        }
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class GpsIngestApi(IngestApi):
    """Positions from electronic-monitoring devices: `{"records": [<ping>, ...]}`."""

    feed_kind = FeedKind.GPS

    @extend_schema(request=PingBatchSerializer, responses={202: IngestAccepted})
    def post(self, request: Request) -> Response:
        return super().post(request)


class CapIngestApi(IngestApi):
    """One CAP 1.2 `<alert>` as the body (`Content-Type: application/cap+xml` or `application/xml`)."""

    feed_kind = FeedKind.CAP
    parser_classes = XML_PARSERS

    @extend_schema(
        request={"application/cap+xml": {"type": "string"}, "application/xml": {"type": "string"}},
        responses={202: IngestAccepted},
    )
    def post(self, request: Request) -> Response:
        feed = request.auth
        assert isinstance(feed, Feed)  # guaranteed by IsFeedOfKind
        try:
            records = validate_batch(body={"records": [{"xml": request.data}]}, record_serializer=CapRecordSerializer)
        except InvalidInput as exc:
            services.feed_rejections_count(feed=feed, records=1)
            problem = exc.details["records"][0]["errors"] if exc.details else {}
            raise InvalidInput(" ".join(problem.get("xml", [exc.message])), details=problem) from exc
        batch = services.inbox_batch_accept(feed=feed, records=records)
        return Response({"batch_id": str(batch.id), "accepted": 1}, status=status.HTTP_202_ACCEPTED)
