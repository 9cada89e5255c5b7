"""Camera registry API: thin views over cameras.services and cameras.selectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from accounts.roles import has_capability
from audit.services import audit_record
from cameras import selectors, services
from cameras.api.serializers import (
    ApproveIn,
    CameraConeFeatureOut,
    CameraFeatureOut,
    CameraOut,
    NearbyCameraOut,
    NearbyQuery,
    RejectIn,
)
from cameras.choices import AccessTier, CameraStatus, Health, OwnerType
from cameras.files import sniff_content_type
from cameras.models import Camera
from cameras.records import CameraRecord
from rtcc.api.inputs import validated
from rtcc.api.layers import GeoLayerApi
from rtcc.errors import InvalidInput, NotFound


def reader_context(request: Request) -> dict[str, bool]:
    return {
        "contacts": selectors.may_see_contacts(request.user),
        "manage": has_capability(request.user, "cameras.manage"),
    }


def audit_contacts(request: Request, camera_ids: list[int], action: str) -> None:
    """Partner contact details are sensitive: every response that carried them is on the record."""
    if camera_ids and selectors.may_see_contacts(request.user):
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=action,
            object_ref=f"camera:{camera_ids[0]}" if len(camera_ids) == 1 else f"cameras:{len(camera_ids)}",
            details={"cameras": camera_ids},
        )


class CameraFilter(django_filters.FilterSet):
    tier = django_filters.MultipleChoiceFilter(choices=AccessTier.choices)
    owner_type = django_filters.MultipleChoiceFilter(choices=OwnerType.choices)
    health = django_filters.MultipleChoiceFilter(choices=Health.choices)
    status = django_filters.MultipleChoiceFilter(choices=CameraStatus.choices, help_text="Admins see every status.")
    tag = django_filters.CharFilter(field_name="tags", lookup_expr="contains", method="filter_tag")

    class Meta:
        model = Camera
        fields = ["tier", "owner_type", "health", "status"]

    def filter_tag(self, queryset, name, value):  # type: ignore[no-untyped-def]
        return queryset.filter(tags__contains=[value.lower()])


class CameraListApi(generics.ListAPIView):
    """Cameras as JSON, filterable by tier, owner type, health, status and tag."""

    capability = "cameras.read"
    permission_classes = [HasCapability]
    serializer_class = CameraOut
    filterset_class = CameraFilter

    def get_queryset(self) -> QuerySet[Camera]:
        return selectors.camera_list_visible_to(user=self.request.user).order_by("name", "id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **reader_context(self.request)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data.get("results", [])]
        audit_contacts(request, ids, "camera.contacts.list")
        return response


class CameraLayerApi(GeoLayerApi):
    """Approved cameras as GeoJSON points; `cones=1` returns the view-cone polygons instead."""

    capability = "cameras.read"
    filterset_class = CameraFilter
    bbox_filter_field = "location"

    def get_serializer_class(self) -> type[CameraFeatureOut]:
        return CameraConeFeatureOut if self.request.query_params.get("cones") == "1" else CameraFeatureOut

    def get_queryset(self) -> QuerySet[Camera]:
        queryset = selectors.camera_list_visible_to(user=self.request.user).filter(status=CameraStatus.APPROVED)
        if self.request.query_params.get("cones") == "1":
            queryset = queryset.filter(view_cone__isnull=False)
        return queryset.order_by("id")

    @extend_schema(parameters=[OpenApiParameter("cones", str, description="1: view-cone polygons")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CameraNearbyApi(APIView):
    """Cameras within `radius` metres of a point: the ones that can see it first (live-share before others)."""

    capability = "cameras.read"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[NearbyQuery], responses=NearbyCameraOut(many=True))
    def get(self, request: Request) -> Response:
        query = validated(NearbyQuery, request.query_params)
        found = selectors.cameras_nearby(
            user=request.user, lat=query["lat"], lon=query["lon"], radius_m=query["radius"], limit=query["limit"]
        )
        context = reader_context(request)
        rows = []
        for item in found:
            data = CameraOut(item.camera, context=context).data
            data.update(
                distance_m=round(item.distance_m, 1),
                bearing_from_camera=None if item.bearing_from_camera is None else round(item.bearing_from_camera, 1),
                sees_point=item.sees_point,
                offline=item.offline,
                live_available=item.live_available,
                mou_expired=item.mou_expired,
            )
            rows.append(data)
        audit_contacts(request, [item.camera.pk for item in found], "camera.contacts.nearby")
        return Response(rows)


class CameraDetailApi(APIView):
    """One camera."""

    capability = "cameras.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=CameraOut)
    def get(self, request: Request, pk: int) -> Response:
        camera = selectors.camera_get_for_user(user=request.user, camera_id=pk)
        audit_contacts(request, [camera.pk], "camera.contacts.view")
        return Response(CameraOut(camera, context=reader_context(request)).data)


class CameraCreateApi(APIView):
    """Register a camera (admins); approved at once."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=CameraRecord, responses={201: CameraOut})
    def post(self, request: Request) -> Response:
        data = validated(CameraRecord, request.data)
        camera = services.camera_create(user=request.user, data=data)  # type: ignore[arg-type]
        return Response(CameraOut(camera, context=reader_context(request)).data, status=201)


class PartialCameraRecord(CameraRecord):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class CameraUpdateApi(APIView):
    """Change some fields of a camera (admins); the view cone is recomputed."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=CameraRecord, responses=CameraOut)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(PartialCameraRecord, request.data)
        if ("latitude" in data) != ("longitude" in data):
            raise InvalidInput("latitude: give latitude and longitude together")
        camera = services.camera_update(user=request.user, camera_id=pk, data=data)  # type: ignore[arg-type]
        return Response(CameraOut(camera, context=reader_context(request)).data)


class CameraApproveApi(APIView):
    """Approve a pending registration, optionally moving it (`lat`, `lon`) or turning it (`heading`)."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=ApproveIn, responses=CameraOut)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(ApproveIn, request.data)
        camera = services.camera_approve(
            user=request.user,  # type: ignore[arg-type]
            camera_id=pk,
            latitude=data.get("lat"),
            longitude=data.get("lon"),
            heading=data.get("heading"),
        )
        return Response(CameraOut(camera, context=reader_context(request)).data)


class CameraRejectApi(APIView):
    """Reject a pending registration with a reason."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=RejectIn, responses=CameraOut)
    def post(self, request: Request, pk: int) -> Response:
        data = validated(RejectIn, request.data)
        camera = services.camera_reject(user=request.user, camera_id=pk, reason=data["reason"])  # type: ignore[arg-type]
        return Response(CameraOut(camera, context=reader_context(request)).data)


class CameraRetireApi(APIView):
    """Retire a camera: it leaves the map, its history stays."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses=CameraOut)
    def post(self, request: Request, pk: int) -> Response:
        camera = services.camera_retire(user=request.user, camera_id=pk)  # type: ignore[arg-type]
        return Response(CameraOut(camera, context=reader_context(request)).data)


class ReviewQueueApi(generics.ListAPIView):
    """Pending community registrations, oldest first (admins)."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]
    serializer_class = CameraOut

    def get_queryset(self) -> QuerySet[Camera]:
        return selectors.camera_review_queue(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **reader_context(self.request)}


class CameraSnapshotApi(APIView):
    """The camera's still image (JPEG or PNG, checked from its bytes), if one was uploaded."""

    capability = "cameras.read"
    permission_classes = [HasCapability]

    @extend_schema(responses={(200, "image/jpeg"): bytes, (200, "image/png"): bytes})
    def get(self, request: Request, pk: int) -> FileResponse:
        camera = selectors.camera_get_for_user(user=request.user, camera_id=pk)
        if not camera.snapshot:
            raise NotFound("This camera has no snapshot.")
        handle = camera.snapshot.open("rb")
        content_type = sniff_content_type(handle)  # type: ignore[arg-type]
        if content_type not in ("image/jpeg", "image/png"):
            handle.close()
            raise NotFound("The stored snapshot is not an image.")
        response = FileResponse(handle, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=300"
        return response


class CameraMouApi(APIView):
    """The signed MOU file of a camera, as a download (admins; audited)."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, pk: int) -> FileResponse:
        camera = selectors.camera_get_for_user(user=request.user, camera_id=pk)
        if not camera.mou_file:
            raise NotFound("No MOU file is stored for this camera.")
        audit_record(actor=request.user, action="camera.mou.download", object_ref=f"camera:{camera.pk}")  # type: ignore[arg-type]
        handle = camera.mou_file.open("rb")
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"{camera.reference}-mou{Path(camera.mou_file.name or '').suffix}",
            content_type=sniff_content_type(handle),  # type: ignore[arg-type]
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
