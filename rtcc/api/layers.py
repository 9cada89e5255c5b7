"""The shape every GeoJSON map layer API shares: bbox filter, django-filter, GeoJSON pages.

A layer whose serializer is made only of plain columns has its page written by PostgreSQL
(rtcc/api/geojson.py); the others go through rest_framework_gis.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from accounts.permissions import HasCapability
from rtcc.api import geojson


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

    def page_queryset(self, queryset: QuerySet[Any], request: Request) -> QuerySet[Any]:
        """`paginate_queryset` without evaluating the page: the page's slice of `queryset`."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from exc
        return self.page.object_list  # type: ignore[return-value]

    def page_response(self, features: bytes) -> HttpResponse:
        """The page as `get_paginated_response` writes it, around features that are JSON already."""
        head = {
            "type": "FeatureCollection",
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }
        body = json.dumps(head, separators=(",", ":")).encode()[:-1] + b',"features":[' + features + b"]}"
        return HttpResponse(body, content_type="application/json")


class GeoLayerApi(generics.ListAPIView):
    """Subclasses set capability, serializer_class, bbox_filter_field and get_queryset."""

    permission_classes = [HasCapability]
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    bbox_filter_include_overlapping = True
    pagination_class = LayerPagination

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        plan = geojson.sql_features_for(self.get_serializer_class())
        if plan is None:
            return super().list(request, *args, **kwargs)
        paginator = cast(LayerPagination, self.paginator)
        page = paginator.page_queryset(self.filter_queryset(self.get_queryset()), request)
        return paginator.page_response(geojson.features_json(page, plan))
