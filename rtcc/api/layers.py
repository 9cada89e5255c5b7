"""The shape every GeoJSON map layer API shares: bbox filter, django-filter, GeoJSON pages."""

from __future__ import annotations

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


class GeoLayerApi(generics.ListAPIView):
    """Subclasses set capability, serializer_class, bbox_filter_field and get_queryset."""

    permission_classes = [HasCapability]
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    bbox_filter_include_overlapping = True
    pagination_class = LayerPagination
