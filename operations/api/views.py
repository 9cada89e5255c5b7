"""Operations API: thin views over operations.services and operations.selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasCapability
from incidents.api.serializers import IncidentFeatureOut
from incidents.models import Incident
from incidents.selectors import incident_list_visible_to
from operations import selectors, services
from operations.api.permissions import WriteCapability
from operations.api.serializers import (
    LogEntryIn,
    LogEntryOut,
    OperationIn,
    OperationOut,
    OperationPatchIn,
)
from operations.models import Operation, OperationLogEntry
from rtcc.api.inputs import validated
from rtcc.api.layers import GeoLayerApi


def _area_changes(data: dict[str, Any]) -> dict[str, Any]:
    if not any(key in data for key in ("area_geojson", "beat_codes", "district_codes")):
        return {}
    area, label = services.resolve_area(
        area_geojson=data.get("area_geojson", ""),
        beat_codes=data.get("beat_codes"),
        district_codes=data.get("district_codes"),
    )
    return {"area": area, "area_source": label}


class OperationListApi(generics.ListAPIView):
    """Operations, newest first (GET: operations.read); POST creates one (operations.manage)."""

    capability = "operations.read"
    write_capability = "operations.manage"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = OperationOut

    def get_queryset(self) -> QuerySet[Operation]:
        return selectors.operation_list_visible_to(user=self.request.user)

    @extend_schema(request=OperationIn, responses={201: OperationOut})
    def post(self, request: Request) -> Response:
        data = validated(OperationIn, request.data)
        changes = _area_changes(data)
        if not changes:
            services.resolve_area()  # raises the "give either GeoJSON or codes" message
        operation = services.operation_create(
            actor=request.user,  # type: ignore[arg-type]
            name=data["name"],
            description=data["description"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            **changes,
        )
        return Response(OperationOut(operation).data, status=201)


class OperationDetailApi(generics.GenericAPIView):
    """One operation (GET: operations.read); PATCH edits it (operations.manage)."""

    capability = "operations.read"
    write_capability = "operations.manage"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = OperationOut

    def get(self, request: Request, operation_id: int) -> Response:
        operation = selectors.operation_get_for_user(user=request.user, operation_id=operation_id)
        return Response(OperationOut(operation).data)

    @extend_schema(request=OperationPatchIn, responses=OperationOut)
    def patch(self, request: Request, operation_id: int) -> Response:
        selectors.operation_get_for_user(user=request.user, operation_id=operation_id)
        data = validated(OperationPatchIn, request.data)
        changes: dict[str, Any] = {k: data[k] for k in ("name", "description", "starts_at", "ends_at") if k in data}
        changes.update(_area_changes(data))
        operation = services.operation_update(
            actor=request.user,  # type: ignore[arg-type]
            operation_id=operation_id,
            changes=changes,
        )
        return Response(OperationOut(operation).data)


class OperationLogApi(generics.ListAPIView):
    """The operation's log, oldest first (GET: operations.read); POST appends (operations.log)."""

    capability = "operations.read"
    write_capability = "operations.log"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = LogEntryOut

    queryset = OperationLogEntry.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[OperationLogEntry]:
        operation = selectors.operation_get_for_user(user=self.request.user, operation_id=self.kwargs["operation_id"])
        return selectors.operation_log(operation=operation)

    @extend_schema(request=LogEntryIn, responses={201: LogEntryOut})
    def post(self, request: Request, operation_id: int) -> Response:
        operation = selectors.operation_get_for_user(user=request.user, operation_id=operation_id)
        data = validated(LogEntryIn, request.data)
        entry = services.log_append(actor=request.user, operation=operation, **data)  # type: ignore[arg-type]
        return Response(LogEntryOut(entry).data, status=201)


class OperationIncidentsApi(GeoLayerApi):
    """Incidents inside the operation's area and window, as GeoJSON (bbox filter)."""

    capability = "operations.read"
    serializer_class = IncidentFeatureOut
    bbox_filter_field = "location"

    queryset = Incident.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[Incident]:
        operation = selectors.operation_get_for_user(user=self.request.user, operation_id=self.kwargs["operation_id"])
        incidents = incident_list_visible_to(user=self.request.user)
        return selectors.operation_filter_incidents(incidents, operation).order_by("-received_at", "-id")
