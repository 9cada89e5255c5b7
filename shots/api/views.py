from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from rtcc.api.layers import GeoLayerApi
from shots import selectors
from shots.api.serializers import ShotsFeatureOut
from shots.choices import ReviewStatus
from shots.models import ShotsFired

# Ten years: larger values overflowed timedelta (a 500 found by the fuzzer); now a 400 naming the field.
MAX_SINCE_HOURS = 24 * 366 * 10


class ShotsFilter(django_filters.FilterSet):
    since_hours = django_filters.NumberFilter(
        method="filter_since_hours",
        label=f"Detected in the last N hours (0-{MAX_SINCE_HOURS})",
        min_value=0,
        max_value=MAX_SINCE_HOURS,
    )
    review_status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = ShotsFired
        fields = ["review_status", "detection_type", "source"]

    def filter_since_hours(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(detected_at__gte=timezone.now() - timedelta(hours=float(value)))


class ShotsLayerApi(GeoLayerApi):
    """GeoJSON layer of located detections; `bbox`, `since_hours`, `review_status` filter it."""

    capability = "shots.read"
    serializer_class = ShotsFeatureOut
    filterset_class = ShotsFilter
    bbox_filter_field = "location"

    def get_queryset(self) -> QuerySet[ShotsFired]:
        return (
            selectors.shots_list_visible_to(user=self.request.user)
            .filter(location__isnull=False)
            .order_by("-detected_at", "-id")
        )
