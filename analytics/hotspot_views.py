"""Hotspots: the page (filter form, map, repeat-address table), its three JSON APIs and the CSV export.

Thin interfaces over analytics.hotspots; every one takes the same filter as the dashboards
(`start`, `end`, `district`, `call_type`), so the page, the APIs and the CSV agree.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability, capability_required
from analytics import hotspots
from analytics.filters import MAX_CALL_TYPES, MetricFilter, parse_filter
from areas.models import District
from rtcc.errors import ApplicationError, render_application_error

CAPABILITY = "metrics.read"

FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First local day, included (default: 30 days ago)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last local day, included (default: today)."),
    OpenApiParameter("district", str, description="District code; empty = all."),
    OpenApiParameter(
        "call_type", str, many=True, description=f"Effective call type; repeat for several (at most {MAX_CALL_TYPES})."
    ),
]
LEVEL_PARAMETER = OpenApiParameter("level", str, enum=list(hotspots.LEVELS), description="Areas drawn (default beat).")
MIN_COUNT_PARAMETER = OpenApiParameter(
    "min_count",
    int,
    description=f"Least incidents at an address (default {hotspots.MIN_COUNT_DEFAULT}, "
    f"{hotspots.MIN_COUNT_LOWEST}-{hotspots.MIN_COUNT_HIGHEST}).",
)


def hotspot_filter(params: Any) -> MetricFilter:
    return hotspots.check_text(parse_filter(params))


class FilterOut(serializers.Serializer):
    start = serializers.DateField(help_text="First local day (agency time zone), included.")
    end = serializers.DateField(help_text="Last local day, included.")
    district = serializers.CharField(allow_blank=True, help_text="District code; empty = all.")
    call_types = serializers.ListField(child=serializers.CharField(), help_text="Effective call types; empty = all.")


def filter_body(flt: MetricFilter) -> dict[str, Any]:
    return {
        "start": flt.start.isoformat(),
        "end": flt.end.isoformat(),
        "district": flt.district,
        "call_types": list(flt.call_types),
    }


class GridCellOut(serializers.Serializer):
    lat = serializers.FloatField(help_text="Latitude of the cell centre.")
    lon = serializers.FloatField(help_text="Longitude of the cell centre.")
    count = serializers.IntegerField(help_text="Incidents in the cell.")


class GridOut(serializers.Serializer):
    filter = FilterOut()
    cell_size_m = serializers.IntegerField(help_text="Side of a cell in metres (at the map centre's latitude).")
    lat_step = serializers.FloatField(help_text="Side of a cell in degrees of latitude.")
    lon_step = serializers.FloatField(help_text="Side of a cell in degrees of longitude.")
    cells = GridCellOut(many=True, help_text=f"The busiest cells, most incidents first (at most {hotspots.MAX_CELLS}).")
    cell_count = serializers.IntegerField(help_text="Cells holding at least one incident, before the cap.")
    capped = serializers.BooleanField(help_text="True when more cells exist than were returned.")
    max_count = serializers.IntegerField(help_text="Incidents in the busiest cell.")
    located = serializers.IntegerField(help_text="Incidents placed on the grid.")
    excluded = serializers.IntegerField(help_text="Incidents of the filter left out: no location, or location not ok.")


@extend_schema_field({"type": "object", "nullable": True, "description": "GeoJSON (Multi)Polygon, simplified."})
class GeometryOut(serializers.JSONField):
    """The simplified outline as GeoJSON."""


class AreaPropertiesOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    incidents = serializers.IntegerField(help_text="Incidents the CAD gave this beat/district code.")
    share = serializers.FloatField(help_text="incidents / total, 0-1 (0 when total is 0).")


class AreaFeatureOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = GeometryOut()
    properties = AreaPropertiesOut()


class AreaCollectionOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    level = serializers.ChoiceField(choices=list(hotspots.LEVELS))
    filter = FilterOut()
    total = serializers.IntegerField(help_text="Incidents of the filter (from the daily rollup).")
    outside = serializers.IntegerField(help_text="Incidents whose code names no area drawn (none, or not imported).")
    max_incidents = serializers.IntegerField()
    as_of = serializers.DateTimeField(allow_null=True, help_text="Last refresh of the daily rollup (null: never).")
    features = AreaFeatureOut(many=True)


class RepeatAddressOut(serializers.Serializer):
    address = serializers.CharField(help_text="Upper-cased, runs of white space collapsed to one space.")
    count = serializers.IntegerField()
    last_received = serializers.DateTimeField()
    call_types = serializers.ListField(child=serializers.CharField(), help_text="Effective call types, sorted.")


class RepeatListOut(serializers.Serializer):
    filter = FilterOut()
    min_count = serializers.IntegerField()
    address_count = serializers.IntegerField(help_text="Addresses at or above min_count, before the cut.")
    capped = serializers.BooleanField(help_text=f"True when more than {hotspots.REPEAT_ROWS} addresses qualify.")
    rows = RepeatAddressOut(many=True)


class HotspotGridApi(APIView):
    """Heatmap cells: located incidents of the filter counted per ~150 m grid cell."""

    capability = CAPABILITY
    permission_classes = [HasCapability]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=GridOut, operation_id="analytics_hotspots_grid")
    def get(self, request: Request) -> Response:
        flt = hotspot_filter(request.query_params)
        grid = hotspots.hotspot_grid(flt)
        body = {
            "filter": filter_body(flt),
            "cell_size_m": hotspots.CELL_METRES,
            "lat_step": grid.lat_step,
            "lon_step": grid.lon_step,
            "cells": [{"lat": c.lat, "lon": c.lon, "count": c.count} for c in grid.cells],
            "cell_count": grid.cell_count,
            "capped": grid.capped,
            "max_count": grid.max_count,
            "located": grid.located,
            "excluded": grid.excluded,
        }
        return Response(GridOut(body).data)


class HotspotAreasApi(APIView):
    """Beats or districts as GeoJSON with their incident counts (daily rollup) for the choropleth."""

    capability = CAPABILITY
    permission_classes = [HasCapability]

    @extend_schema(
        parameters=[*FILTER_PARAMETERS, LEVEL_PARAMETER],
        responses=AreaCollectionOut,
        operation_id="analytics_hotspots_areas",
    )
    def get(self, request: Request) -> Response:
        flt = hotspot_filter(request.query_params)
        level = hotspots.parse_level(request.query_params.get("level"))
        collection = hotspots.hotspot_areas(flt, level)
        return Response(AreaCollectionOut({**collection, "filter": filter_body(flt)}).data)


class HotspotRepeatApi(APIView):
    """Addresses with at least `min_count` incidents in the period (top 100)."""

    capability = CAPABILITY
    permission_classes = [HasCapability]

    @extend_schema(
        parameters=[*FILTER_PARAMETERS, MIN_COUNT_PARAMETER],
        responses=RepeatListOut,
        operation_id="analytics_hotspots_repeat_addresses",
    )
    def get(self, request: Request) -> Response:
        flt = hotspot_filter(request.query_params)
        found = hotspots.repeat_addresses(
            flt, min_count=hotspots.parse_min_count(request.query_params.get("min_count"))
        )
        body = {
            "filter": filter_body(flt),
            "min_count": found.min_count,
            "address_count": found.address_count,
            "capped": found.capped,
            "rows": [asdict(row) for row in found.rows],
        }
        return Response(RepeatListOut(body).data)


def _form_values(request: HttpRequest, flt: MetricFilter | None, min_count: int) -> dict[str, Any]:
    if flt is None:  # a bad filter: show what was typed so it can be corrected
        return {
            "start": request.GET.get("start", ""),
            "end": request.GET.get("end", ""),
            "district": request.GET.get("district", ""),
            "call_types": request.GET.getlist("call_type"),
            "min_count": request.GET.get("min_count", ""),
        }
    return {
        "start": flt.start.isoformat(),
        "end": flt.end.isoformat(),
        "district": flt.district,
        "call_types": list(flt.call_types),
        "min_count": min_count,
    }


def _query(flt: MetricFilter, **extra: Any) -> str:
    return urlencode({**flt.as_params(), **extra}, doseq=True)


@capability_required(CAPABILITY)
@require_safe
def hotspots_page(request: HttpRequest) -> HttpResponse:
    """The map (heatmap or choropleth) and the repeat addresses for the filter in the query string."""
    flt: MetricFilter | None = None
    min_count = hotspots.MIN_COUNT_DEFAULT
    error = ""
    try:
        flt = hotspot_filter(request.GET)
        min_count = hotspots.parse_min_count(request.GET.get("min_count"))
    except ApplicationError as exc:
        flt, error = None, exc.message
    form = _form_values(request, flt, min_count)
    context: dict[str, Any] = {
        "form": form,
        "error": error,
        "options": {
            "districts": list(District.objects.order_by("code").values_list("code", "name")),
            "call_types": hotspots.call_type_options(flt or MetricFilter.last_days()),
        },
        "min_count_range": (hotspots.MIN_COUNT_LOWEST, hotspots.MIN_COUNT_HIGHEST),
        "cell_metres": hotspots.CELL_METRES,
    }
    if flt is None:
        return render(request, "analytics/hotspots.html", context, status=400)
    repeat = hotspots.repeat_addresses(flt, min_count=min_count)
    context.update(
        {
            "repeat": repeat,
            "csv_url": reverse("analytics-hotspots-repeat-csv") + "?" + _query(flt, min_count=min_count),
            "as_of": hotspots.rollup_as_of(),
            "config": {
                "gridUrl": reverse("analytics-hotspots-grid") + "?" + _query(flt),
                "areasUrl": reverse("analytics-hotspots-areas") + "?" + _query(flt),
                "tileUrl": settings.RTCC_TILE_URL,
                "tileAttribution": settings.RTCC_TILE_ATTRIBUTION,
                "center": settings.RTCC_MAP_CENTER,
                "zoom": settings.RTCC_MAP_ZOOM,
            },
        }
    )
    return render(request, "analytics/hotspots.html", context)


@capability_required(CAPABILITY)
@require_safe
def repeat_addresses_csv(request: HttpRequest) -> HttpResponse:
    """The repeat-address list as CSV (same filter and min_count as the page); the export is audited."""
    try:
        flt = hotspot_filter(request.GET)
        min_count = hotspots.parse_min_count(request.GET.get("min_count"))
        chunks = hotspots.repeat_addresses_export(actor=request.user, flt=flt, min_count=min_count)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    name = f"rtcc-repeat-addresses-{flt.start.isoformat()}-to-{flt.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]
