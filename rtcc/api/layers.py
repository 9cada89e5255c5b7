"""The shape every GeoJSON map layer API shares: bbox filter, django-filter, GeoJSON pages."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from accounts.permissions import HasCapability


class BBoxFilter(InBBoxFilter):
    """`?bbox=minLon,minLat,maxLon,maxLat` (WGS 84)."""

    bbox_param = "bbox"


class LayerPagination(GeoJsonPagination):
    page_size = 2000
    max_page_size = 10000
    page_size_query_param = "page_size"

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The page as it is sent: `features` is the array of features, not a nested collection.

        rest_framework_gis puts the whole `<Name>List` collection schema under `features` and leaves
        `results` required; drf-spectacular names the feature component `<Name>`.
        """
        page: dict[str, Any] = super().get_paginated_response_schema(schema)
        ref = schema.get("$ref", "")
        if ref.endswith("List"):
            page["properties"]["features"] = {"type": "array", "items": {"$ref": ref.removesuffix("List")}}
        page["required"] = ["type", "count", "features"]
        return page


class GeoLayerApi(generics.ListAPIView):
    """Subclasses set capability, serializer_class, bbox_filter_field and get_queryset."""

    permission_classes = [HasCapability]
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    bbox_filter_include_overlapping = True
    pagination_class = LayerPagination
