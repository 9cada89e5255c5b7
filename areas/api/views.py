"""Beats and districts as GeoJSON layers (cache-friendly: they change only on import) and point lookup."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from areas import selectors
from areas.api.serializers import AtOut, AtQuery, BeatFeatureOut, DistrictFeatureOut, LayerQuery
from rtcc.api.inputs import validated
from rtcc.api.layers import GeoLayerApi

# Boundaries change only when someone imports a file: browsers may keep a layer a few minutes and
# then revalidate cheaply with If-None-Match (private: the API needs a signed-in user).
CACHE_CONTROL = "private, max-age=300"
SIMPLIFY = OpenApiParameter("simplify", float, description="Simplify outlines by about this many metres (0-1000).")


class AreaLayerApi(GeoLayerApi):
    capability = "areas.read"
    bbox_filter_field = "area"

    def base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        query = validated(LayerQuery, self.request.query_params)
        return selectors.with_shape(self.base_queryset(), query.get("simplify"))

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        validated(LayerQuery, request.query_params)
        etag = selectors.layer_version(self.base_queryset(), request.META.get("QUERY_STRING", ""))
        if etag in request.headers.get("If-None-Match", ""):
            response = Response(status=304)
        else:
            response = super().get(request, *args, **kwargs)
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
        return response


class BeatLayerApi(AreaLayerApi):
    """Police beats as a GeoJSON FeatureCollection (bbox filter, optional simplification)."""

    serializer_class = BeatFeatureOut

    def base_queryset(self) -> QuerySet[Any]:
        return selectors.beat_list()

    @extend_schema(parameters=[SIMPLIFY])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DistrictLayerApi(AreaLayerApi):
    """Police districts as a GeoJSON FeatureCollection (bbox filter, optional simplification)."""

    serializer_class = DistrictFeatureOut

    def base_queryset(self) -> QuerySet[Any]:
        return selectors.district_list()

    @extend_schema(parameters=[SIMPLIFY])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AreaAtApi(APIView):
    """The beat and district containing a point (null when outside every imported area)."""

    capability = "areas.read"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[AtQuery], responses=AtOut)
    def get(self, request: Request) -> Response:
        query = validated(AtQuery, request.query_params)
        match = selectors.area_for_point(lat=query["lat"], lon=query["lon"])
        beat = match.beat
        district = match.district
        body = {
            "beat": {"code": beat.code, "district_code": beat.district_code, "sector": beat.sector} if beat else None,
            "district": {"code": district.code, "name": district.name} if district else None,
        }
        response = Response(AtOut(body).data)
        response["Cache-Control"] = CACHE_CONTROL
        return response
