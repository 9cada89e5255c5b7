from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import generics

from accounts.permissions import HasCapability
from alerts import selectors
from alerts.api.serializers import AlertOut
from alerts.choices import AlertStatus, AlertType
from alerts.models import Alert


class AlertFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AlertStatus.choices)
    type = django_filters.MultipleChoiceFilter(choices=AlertType.choices)

    class Meta:
        model = Alert
        fields = ["status", "type", "priority"]


class AlertListApi(generics.ListAPIView):
    """Alerts, newest first within priority; `status=new` for the open ones."""

    capability = "alerts.read"
    permission_classes = [HasCapability]
    serializer_class = AlertOut
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return selectors.alert_list_visible_to(user=self.request.user).order_by("priority", "-created_at", "-id")
