"""Evidence API: thin views over evidence.services and evidence.selectors."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasCapability
from evidence import selectors, services
from evidence.api.serializers import (
    CustodyEntryOut,
    DownloadQueryIn,
    EvidenceDetailOut,
    EvidenceOut,
    EvidenceUploadIn,
    HoldIn,
)
from evidence.models import Evidence
from operations.api.permissions import WriteCapability
from rtcc.api.inputs import validated


def detail_body(evidence: Evidence) -> dict[str, object]:
    body = dict(EvidenceOut(evidence).data)
    body["custody"] = CustodyEntryOut(selectors.custody_log(evidence=evidence), many=True).data
    return body


class CaseEvidenceApi(generics.ListAPIView):
    """A case's evidence, oldest first (GET: evidence.read); POST uploads a file (evidence.write, multipart)."""

    capability = "evidence.read"
    write_capability = "evidence.write"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = EvidenceOut
    parser_classes = [MultiPartParser]
    queryset = Evidence.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[Evidence]:
        return selectors.evidence_list_for_case(user=self.request.user, case_id=self.kwargs["case_id"])

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadIn},
        responses={201: EvidenceOut, 400: OpenApiResponse(description="file: content is …, not …"), 413: None},
    )
    def post(self, request: Request, case_id: int) -> Response:
        selectors.case_get_for_evidence(user=request.user, case_id=case_id)
        data = validated(EvidenceUploadIn, request.data)
        evidence = services.evidence_upload(
            user=request.user,  # type: ignore[arg-type]
            case_id=case_id,
            uploaded_file=data["file"],
            title=data["title"],
            kind=data["kind"],
            source=data["source"],
            source_camera_id=data["source_camera_id"],
            source_footage_request_id=data["source_footage_request_id"],
        )
        return Response(EvidenceOut(evidence).data, status=201)


class EvidenceDetailApi(generics.GenericAPIView):
    """One evidence item with its chain of custody; the read itself is recorded as `viewed`."""

    capability = "evidence.read"
    permission_classes = [HasCapability]
    serializer_class = EvidenceDetailOut

    def get(self, request: Request, evidence_id: int) -> Response:
        evidence = services.evidence_view(user=request.user, evidence_id=evidence_id)  # type: ignore[arg-type]
        return Response(detail_body(evidence))


class EvidenceDownloadApi(generics.GenericAPIView):
    """The file, always as an attachment; `reason` (why it leaves the system) is required and logged."""

    capability = "evidence.read"
    permission_classes = [HasCapability]

    @extend_schema(
        parameters=[OpenApiParameter("reason", str, required=True, description="Why the file is downloaded.")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, evidence_id: int) -> FileResponse:
        data = validated(DownloadQueryIn, request.query_params)
        return services.evidence_download(
            user=request.user,  # type: ignore[arg-type]
            evidence_id=evidence_id,
            reason=data["reason"],
        )


class EvidenceVerifyApi(generics.GenericAPIView):
    """Re-hash the stored file now; integrity_ok tells the result (also in the custody log)."""

    capability = "evidence.read"
    permission_classes = [HasCapability]
    serializer_class = EvidenceDetailOut

    @extend_schema(request=None, responses=EvidenceDetailOut)
    def post(self, request: Request, evidence_id: int) -> Response:
        evidence = services.evidence_verify(evidence_id=evidence_id, actor=request.user)  # type: ignore[arg-type]
        return Response(detail_body(evidence))


class EvidenceHoldApi(generics.GenericAPIView):
    """Set (hold=true) or release (hold=false) a legal hold; supervisors only, reason required."""

    capability = "evidence.hold"
    permission_classes = [HasCapability]
    serializer_class = EvidenceDetailOut

    @extend_schema(request=HoldIn, responses=EvidenceDetailOut)
    def post(self, request: Request, evidence_id: int) -> Response:
        data = validated(HoldIn, request.data)
        evidence = services.evidence_hold(
            user=request.user,  # type: ignore[arg-type]
            evidence_id=evidence_id,
            hold=data["hold"],
            reason=data["reason"],
        )
        return Response(detail_body(evidence))
