from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework_gis.pagination import GeoJsonPagination

from accounts.permissions import HasCapability
from incidents.api.filters import BBoxFilter
from shots import selectors
from shots.api.serializers import ShotsFeatureOut
from shots.choices import ReviewStatus
from shots.models import ShotsFired


class ShotsFilter(django_filters.FilterSet):
    since_hours = django_filters.NumberFilter(method="filter_since_hours", label="Detected in the last N hours")
    review_status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = ShotsFired
        fields = ["review_status", "detection_type", "source"]

    def filter_since_hours(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(detected_at__gte=timezone.now() - timedelta(hours=float(value)))


class ShotsPagination(GeoJsonPagination):
    page_size = 2000
    max_page_size = 10000
    page_size_query_param = "page_size"


class ShotsLayerApi(generics.ListAPIView):
    """GeoJSON layer of located detections; `bbox`, `since_hours`, `review_status` filter it."""

    capability = "shots.read"
    permission_classes = [HasCapability]
    serializer_class = ShotsFeatureOut
    filterset_class = ShotsFilter
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    bbox_filter_field = "location"
    bbox_filter_include_overlapping = True
    pagination_class = ShotsPagination

    def get_queryset(self) -> QuerySet[ShotsFired]:
        return (
            selectors.shots_list_visible_to(user=self.request.user)
            .filter(location__isnull=False)
            .order_by("-detected_at", "-id")
        )
