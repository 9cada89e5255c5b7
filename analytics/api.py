"""JSON API of the dashboards: the list, and one dashboard's tables for a filter (the Table contract as JSON)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from analytics.dashboards import dashboards
from analytics.exports import dashboard_get, dashboard_tables, refreshed_times
from analytics.filters import BUCKETS, MAX_CALL_TYPES, parse_filter
from analytics.tables import ChartKind, ColumnKind, DrillKind


class DashboardSummaryOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class MetricFilterOut(serializers.Serializer):
    start = serializers.DateField(help_text="First local day (agency time zone), included.")
    end = serializers.DateField(help_text="Last local day, included.")
    district = serializers.CharField(help_text="District code; empty = all.")
    call_types = serializers.ListField(child=serializers.CharField(), help_text="Effective call types; empty = all.")
    bucket = serializers.ChoiceField(choices=["day", "week", "month"], help_text="Bucket of 'over time' tables.")


class MetricColumnOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    kind = serializers.ChoiceField(choices=list(ColumnKind.__args__))  # type: ignore[attr-defined]


class MetricDrillOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(DrillKind.__args__))  # type: ignore[attr-defined]
    filters = serializers.DictField(child=serializers.CharField())


class MetricRowOut(serializers.Serializer):
    values = serializers.DictField(child=serializers.JSONField(), help_text="Cell values by column key.")
    drill = MetricDrillOut(allow_null=True, help_text="The records behind the row (drill-down), if any.")


class MetricChartOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(ChartKind.__args__))  # type: ignore[attr-defined]
    x = serializers.CharField(help_text="Column on the category axis.")
    series = serializers.ListField(child=serializers.CharField(), help_text="Numeric columns drawn.")
    stacked = serializers.BooleanField()
    secondary = serializers.ListField(child=serializers.CharField(), help_text="Series drawn on a right-hand axis.")
    log_scale = serializers.BooleanField(help_text="Logarithmic value axis.")


class MetricTableOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    columns = MetricColumnOut(many=True)
    rows = MetricRowOut(many=True)
    chart = MetricChartOut(allow_null=True)


class DashboardOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    filter = MetricFilterOut()
    refreshed = serializers.DictField(
        child=serializers.DateTimeField(), help_text="When each rollup was last refreshed, by rollup name."
    )
    tables = MetricTableOut(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First local day, included (default: 30 days ago)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last local day, included (default: today)."),
    OpenApiParameter("district", str, description="District code; empty = all."),
    OpenApiParameter(
        "call_type", str, many=True, description=f"Effective call type; repeat for several (at most {MAX_CALL_TYPES})."
    ),
    OpenApiParameter("bucket", str, enum=[b for b in BUCKETS if b], description="Bucket of 'over time' tables."),
]


class DashboardListApi(APIView):
    """The dashboards: key and title, in the order the pages show them."""

    capability = "metrics.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=DashboardSummaryOut(many=True), operation_id="analytics_dashboards_list")
    def get(self, request: Request) -> Response:
        return Response([{"key": board.key, "title": board.title} for board in dashboards()])


class DashboardApi(APIView):
    """One dashboard's tables for the filter: the same figures as the page and the CSV export."""

    capability = "metrics.read"
    permission_classes = [HasCapability]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=DashboardOut, operation_id="analytics_dashboards_retrieve")
    def get(self, request: Request, key: str) -> Response:
        board = dashboard_get(key)
        metric_filter = parse_filter(request.query_params)
        body: dict[str, Any] = {
            "key": board.key,
            "title": board.title,
            "filter": {
                "start": metric_filter.start.isoformat(),
                "end": metric_filter.end.isoformat(),
                "district": metric_filter.district,
                "call_types": list(metric_filter.call_types),
                "bucket": metric_filter.bucket,
            },
            "refreshed": {name: at.isoformat() for name, at in refreshed_times().items()},
            "tables": [table.as_json() for table in dashboard_tables(board, metric_filter)],
        }
        return Response(body)
