from __future__ import annotations

import django_filters

from incidents.choices import OPEN_STATUSES, IncidentStatus
from incidents.models import Incident
from operations.selectors import operation_filter_incidents, operation_get_for_user
from rtcc.api.filters import IsoDateTimeFilter


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="Only open incidents")
    located = django_filters.BooleanFilter(field_name="location", lookup_expr="isnull", exclude=True)
    priority = django_filters.NumberFilter()
    priority__lte = django_filters.NumberFilter(field_name="priority", lookup_expr="lte")
    district = django_filters.CharFilter()
    received_after = IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    # Playback: incidents received before a window that were still open at its start.
    closed_after = IsoDateTimeFilter(field_name="closed_at", lookup_expr="gte")
    operation = django_filters.NumberFilter(
        method="filter_operation", label="Large-event operation id: inside its area and time window"
    )

    class Meta:
        model = Incident
        fields = ["status", "priority", "district", "source"]

    def filter_open(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)

    def filter_operation(self, queryset, name, value):  # type: ignore[no-untyped-def]
        operation = operation_get_for_user(user=self.request.user, operation_id=int(value))
        return operation_filter_incidents(queryset, operation)
