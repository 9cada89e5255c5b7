"""Alert API: list and detail (alerts.read), the lifecycle actions (alerts.work), mutes, workload."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from alerts import mutes as mute_services
from alerts import selectors, workflow
from alerts.api.serializers import (
    AlertAssignIn,
    AlertBulkAcknowledgeIn,
    AlertBulkAcknowledgeOut,
    AlertDetailOut,
    AlertMuteIn,
    AlertMuteOut,
    AlertNoteIn,
    AlertOut,
    AlertResolveIn,
    WorkloadOut,
)
from alerts.choices import OPEN_ALERT_STATUSES, AlertStatus, AlertType
from alerts.events import alert_payloads, mute_payload, user_ref
from alerts.models import Alert, AlertMute
from operations.selectors import operation_filter_alerts, operation_get_for_user
from rtcc.api.inputs import validated


class AlertFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AlertStatus.choices)
    type = django_filters.MultipleChoiceFilter(choices=AlertType.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="Only new, acknowledged or assigned alerts")
    assignee = django_filters.ChoiceFilter(
        choices=[("me", "me")], method="filter_assignee", label="'me': alerts assigned to you"
    )
    operation = django_filters.NumberFilter(
        method="filter_operation", label="Large-event operation id: inside its area and time window"
    )

    class Meta:
        model = Alert
        fields = ["status", "type", "priority"]

    def filter_open(self, queryset: QuerySet[Alert], name: str, value: bool | None) -> QuerySet[Alert]:
        if value is None:
            return queryset
        open_only = queryset.filter(status__in=OPEN_ALERT_STATUSES)
        return open_only if value else queryset.exclude(status__in=OPEN_ALERT_STATUSES)

    def filter_assignee(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        return queryset.filter(assignee=self.request.user) if value == "me" else queryset

    def filter_operation(self, queryset: QuerySet[Alert], name: str, value: float) -> QuerySet[Alert]:
        operation = operation_get_for_user(user=self.request.user, operation_id=int(value))
        return operation_filter_alerts(queryset, operation)


def _alert_response(alert: Alert, status: int = 200) -> Response:
    body: dict[str, Any] = dict(alert_payloads([alert])[0])
    body["notes"] = [
        {"id": n.pk, "author": user_ref(n.author), "text": n.text, "created_at": n.created_at.isoformat()}
        for n in alert.notes.select_related("author")
    ]
    return Response(body, status=status)


class AlertListApi(generics.ListAPIView):
    """Alerts you may see, by priority then newest first; `open=true` for the unresolved ones, `assignee=me`."""

    capability = "alerts.read"
    permission_classes = [HasCapability]
    serializer_class = AlertOut
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return (
            selectors.alert_list_visible_to(user=self.request.user)
            .select_related("assignee", "acknowledged_by", "resolved_by")
            .order_by("priority", "-created_at", "-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = alert_payloads(list(page if page is not None else queryset))
        return self.get_paginated_response(rows) if page is not None else Response(rows)


class AlertDetailApi(APIView):
    """One alert with its notes (oldest first)."""

    capability = "alerts.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=AlertDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return _alert_response(selectors.alert_get_for_user(user=request.user, alert_id=pk))


class AlertAcknowledgeApi(APIView):
    """new -> acknowledged. 409 (naming the holder) when it is no longer new."""

    capability = "alerts.work"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses=AlertDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        return _alert_response(workflow.alert_acknowledge(user=request.user, alert_id=pk))


class AlertAssignApi(APIView):
    """Take the alert (or give it to `assignee`). 409 "held by <user>" when someone else holds it."""

    capability = "alerts.work"
    permission_classes = [HasCapability]

    @extend_schema(request=AlertAssignIn, responses=AlertDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(AlertAssignIn, request.data)
        alert = workflow.alert_assign(user=request.user, alert_id=pk, assignee_id=data.get("assignee"))
        return _alert_response(alert)


class AlertResolveApi(APIView):
    """Resolve with a disposition (actionable, benign, false_positive, undetermined) and an optional note."""

    capability = "alerts.work"
    permission_classes = [HasCapability]

    @extend_schema(request=AlertResolveIn, responses=AlertDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(AlertResolveIn, request.data)
        alert = workflow.alert_resolve(
            user=request.user, alert_id=pk, disposition=data["disposition"], note=data["note"]
        )
        return _alert_response(alert)


class AlertNoteCreateApi(APIView):
    """Append a note to an alert (notes are never edited or removed)."""

    capability = "alerts.work"
    permission_classes = [HasCapability]

    @extend_schema(request=AlertNoteIn, responses={201: AlertDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        data = validated(AlertNoteIn, request.data)
        note = workflow.alert_note_add(user=request.user, alert_id=pk, text=data["text"])
        return _alert_response(selectors.alert_get_for_user(user=request.user, alert_id=note.alert_id), 201)


class AlertBulkAcknowledgeApi(APIView):
    """Acknowledge many: each id gets its own result; those that cannot be acknowledged are reported."""

    capability = "alerts.work"
    permission_classes = [HasCapability]

    @extend_schema(
        operation_id="alerts_acknowledge_bulk", request=AlertBulkAcknowledgeIn, responses=AlertBulkAcknowledgeOut
    )
    def post(self, request: Request) -> Response:
        data = validated(AlertBulkAcknowledgeIn, request.data)
        results = workflow.alerts_acknowledge_bulk(user=request.user, ids=data["ids"])
        return Response({"acknowledged": sum(r["ok"] for r in results), "results": results})


class AlertMuteActiveApi(APIView):
    """Mutes in force now: everyone on shift can see what is muted."""

    capability = "alerts.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=AlertMuteOut(many=True))
    def get(self, request: Request) -> Response:
        return Response([mute_payload(m) for m in selectors.mutes_active()])


class AlertMuteHistoryApi(generics.ListAPIView):
    """Every mute ever set, newest first (supervisors)."""

    capability = "alerts.oversight"
    permission_classes = [HasCapability]
    serializer_class = AlertMuteOut

    def get_queryset(self) -> QuerySet[AlertMute]:
        return selectors.mute_history()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([mute_payload(m) for m in page or []])


class AlertMuteCreateApi(APIView):
    """Mute an alert type or one source: reason and expiry required (at most RTCC_ALERT_MUTE_MAX_HOURS)."""

    capability = "alerts.mute"
    permission_classes = [HasCapability]

    @extend_schema(request=AlertMuteIn, responses={201: AlertMuteOut})
    def post(self, request: Request) -> Response:
        data = validated(AlertMuteIn, request.data)
        mute = mute_services.alert_mute_create(user=request.user, **data)
        return Response(mute_payload(mute), status=201)


class AlertMuteEndApi(APIView):
    """End a mute early (its creator or a supervisor)."""

    capability = "alerts.mute"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses=AlertMuteOut)
    def post(self, request: Request, pk: int) -> Response:
        return Response(mute_payload(mute_services.alert_mute_end(user=request.user, mute_id=pk)))


class AlertWorkloadApi(APIView):
    """Alerts per hour: your own row; every analyst on duty for supervisors (alerts.oversight)."""

    capability = "alerts.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=WorkloadOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(selectors.workload_visible_to(user=request.user))
