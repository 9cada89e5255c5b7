"""Footage request API: ask an owner for video, record the delivery or the decline."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from cameras import selectors, services
from cameras.api.serializers import (
    FootageCreatedOut,
    FootageDeclineIn,
    FootageFulfilIn,
    FootageRequestIn,
    FootageRequestOut,
)
from cameras.models import FootageRequest
from rtcc.api.inputs import validated
from rtcc.errors import NotFound


class FootageRequestListApi(generics.ListAPIView):
    """Footage requests, newest first; `status`, `camera` and `incident` filter them."""

    capability = "cameras.footage"
    permission_classes = [HasCapability]
    serializer_class = FootageRequestOut
    filterset_fields = ["status", "camera", "incident"]

    def get_queryset(self) -> QuerySet[FootageRequest]:
        return selectors.footage_request_list_visible_to(user=self.request.user).order_by("-requested_at", "-id")


class FootageRequestCreateApi(APIView):
    """Request footage of a time window; refused outside the owner's retention or after the MOU lapsed."""

    capability = "cameras.footage"
    permission_classes = [HasCapability]

    @extend_schema(request=FootageRequestIn, responses={201: FootageCreatedOut})
    def post(self, request: Request) -> Response:
        data = validated(FootageRequestIn, request.data)
        footage, warnings = services.footage_request_create(
            user=request.user,  # type: ignore[arg-type]
            camera_id=data["camera"],
            incident_id=data.get("incident"),
            window_start=data["window_start"],
            window_end=data["window_end"],
            reason=data["reason"],
            case_number=data.get("case_number", ""),
        )
        camera = footage.camera
        contact: dict[str, Any] | None = None
        if selectors.may_see_contacts(request.user):
            contact = {
                "owner": camera.owner_name,
                "name": camera.contact_name,
                "phone": camera.contact_phone,
                "email": camera.contact_email,
                "after_hours": camera.contact_after_hours,
            }
        body = {"request": FootageRequestOut(footage).data, "warnings": warnings, "owner_contact": contact}
        return Response(body, status=201)


class FootageRequestFulfilApi(APIView):
    """Attach the files the owner delivered (multipart `files`); each is hashed on receipt."""

    capability = "cameras.footage"
    permission_classes = [HasCapability]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": FootageFulfilIn}, responses=FootageRequestOut)
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        files = request.FILES.getlist("files")
        footage = services.footage_request_fulfil(
            user=request.user,  # type: ignore[arg-type]
            request_id=pk,
            files=files,
            note=str(request.POST.get("note", "")),
        )
        return Response(FootageRequestOut(footage).data)


class FootageRequestDeclineApi(APIView):
    """Record that the owner declined or had no footage."""

    capability = "cameras.footage"
    permission_classes = [HasCapability]

    @extend_schema(request=FootageDeclineIn, responses=FootageRequestOut)
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        data = validated(FootageDeclineIn, request.data)
        footage = services.footage_request_decline(user=request.user, request_id=pk, note=data["note"])  # type: ignore[arg-type]
        return Response(FootageRequestOut(footage).data)


def _visible(request: Request, pk: int) -> None:
    if not selectors.footage_request_list_visible_to(user=request.user).filter(pk=pk).exists():
        raise NotFound("No such footage request.")
