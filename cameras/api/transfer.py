"""Camera export (CSV / GeoJSON file) and the progress of camera import jobs; admins only."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from cameras import selectors
from cameras.api.views import CameraFilter
from cameras.choices import AccessTier, CameraStatus, Health, OwnerType
from cameras.exports import FORMATS, cameras_export
from cameras.imports import TARGET
from feeds.imports.jobs import import_job_get, import_job_status
from rtcc.api.inputs import describe_errors
from rtcc.errors import InvalidInput, NotFound


def _multiple(name: str, choices: list[str], what: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, many=True, enum=choices, description=f"{what}; repeat for several.")


class CameraExportApi(APIView):
    """All cameras (or those matching the filters) as a CSV or GeoJSON file; never any stream credential."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # `format` names the file format here, not a DRF renderer; error bodies are always JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(FORMATS), default="csv", description="File format."),
            _multiple("status", CameraStatus.values, "Camera status"),
            _multiple("tier", AccessTier.values, "Access tier"),
            _multiple("owner_type", OwnerType.values, "Owner type"),
            _multiple("health", Health.values, "Health"),
            OpenApiParameter("tag", str, description="Only cameras with this tag."),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        file_format = request.query_params.get("format", "csv")
        if file_format not in FORMATS:
            raise InvalidInput(f"format: one of {', '.join(FORMATS)}")
        visible = selectors.camera_list_visible_to(user=request.user).order_by("name", "id")
        filterset = CameraFilter(request.query_params, queryset=visible)
        if not filterset.is_valid():
            raise InvalidInput(describe_errors(filterset.errors), details=filterset.errors)
        filters = {key: request.query_params.getlist(key) for key in request.query_params if key != "format"}
        chunks = cameras_export(
            user=request.user,  # type: ignore[arg-type]
            cameras=filterset.qs,
            file_format=file_format,
            contacts=selectors.may_see_contacts(request.user),
            filters=filters,
        )
        response = StreamingHttpResponse(chunks, content_type=FORMATS[file_format])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="cameras-{stamp}.{file_format}"'
        response["Cache-Control"] = "no-store"
        return response


ImportJobStatus = inline_serializer(
    "CameraImportJobStatus",
    {
        "status": serializers.ChoiceField(choices=["queued", "running", "done", "failed"]),
        "lines_done": serializers.IntegerField(),
        "lines_total": serializers.IntegerField(),
        "report": serializers.DictField(allow_null=True),
        "error": serializers.CharField(),
    },
)


class CameraImportJobApi(APIView):
    """Progress and, once done, the report of one camera import job."""

    capability = "cameras.manage"
    permission_classes = [HasCapability]

    @extend_schema(responses=ImportJobStatus)
    def get(self, request: Request, job_id: int) -> Response:
        job = import_job_get(job_id=job_id, target=TARGET)
        if job is None:
            raise NotFound("No such import.")
        status: dict[str, Any] = import_job_status(job)
        return Response(status)
