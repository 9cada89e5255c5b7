from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from feeds import selectors
from feeds.models import ImportJob
from rtcc.errors import NotFound

FeedHealthOut = inline_serializer(
    "FeedHealth",
    {
        "feed_id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        "status": serializers.ChoiceField(choices=["healthy", "lagging", "silent", "failing", "disabled"]),
        "reason": serializers.CharField(),
        "last_record_at": serializers.DateTimeField(allow_null=True),
        "silent_seconds": serializers.FloatField(allow_null=True),
        "lag_seconds": serializers.FloatField(allow_null=True),
        "records_per_minute": serializers.FloatField(),
        "accepted_records": serializers.IntegerField(),
        "rejected_records": serializers.IntegerField(),
        "dead_lettered_records": serializers.IntegerField(),
        "open_dead_letters": serializers.IntegerField(),
        "backlog_batches": serializers.IntegerField(),
    },
    many=True,
)


class FeedHealthApi(APIView):
    """Every feed's status (healthy, lagging, silent, failing, disabled) with its counters."""

    capability = "feeds.health"
    permission_classes = [HasCapability]

    @extend_schema(responses=FeedHealthOut)
    def get(self, request: Request) -> Response:
        return Response([asdict(health) for health in selectors.feeds_health_visible_to(user=request.user)])


class ImportJobApi(APIView):
    """Progress and, once done, the report of one import job."""

    capability = "feeds.import"
    permission_classes = [HasCapability]

    @extend_schema(
        responses=inline_serializer(
            "ImportJobStatus",
            {
                "status": serializers.CharField(),
                "lines_done": serializers.IntegerField(),
                "lines_total": serializers.IntegerField(),
                "report": serializers.DictField(allow_null=True),
                "error": serializers.CharField(),
            },
        )
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            raise NotFound("No such import.")
        return Response(
            {
                "status": job.status,
                "lines_done": job.lines_done,
                "lines_total": job.lines_total,
                "report": job.report,
                "error": job.error,
            }
        )
