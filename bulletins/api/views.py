"""Bulletins API: thin views over bulletins.services and bulletins.selectors."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasCapability
from bulletins import selectors, services
from bulletins.api.inputs import content_changes
from bulletins.api.serializers import (
    BulletinDisseminateIn,
    BulletinDisseminationOut,
    BulletinIn,
    BulletinOut,
    BulletinPatchIn,
    BulletinPhotoIn,
    BulletinPhotoOut,
    BulletinVersionOut,
)
from bulletins.models import Bulletin
from bulletins.pdf import bulletin_pdf
from operations.api.permissions import WriteCapability
from rtcc.api.inputs import validated


class BulletinListApi(generics.ListAPIView):
    """Bulletins, most recently changed first (GET: bulletins.read); POST creates a draft (bulletins.write)."""

    capability = "bulletins.read"
    write_capability = "bulletins.write"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = BulletinOut

    def get_queryset(self) -> QuerySet[Bulletin]:
        queryset = selectors.bulletin_list_visible_to(user=self.request.user)
        status = self.request.query_params.get("status")
        return queryset.filter(status=status) if status else queryset

    @extend_schema(request=BulletinIn, responses={201: BulletinOut})
    def post(self, request: Request) -> Response:
        data = validated(BulletinIn, request.data)
        bulletin = services.bulletin_create(actor=request.user, **content_changes(data))  # type: ignore[arg-type]
        return Response(BulletinOut(bulletin).data, status=201)


class BulletinDetailApi(generics.GenericAPIView):
    """One bulletin (GET: bulletins.read); PATCH edits it: a new version, back to draft (bulletins.write)."""

    capability = "bulletins.read"
    write_capability = "bulletins.write"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = BulletinOut

    def get(self, request: Request, bulletin_id: int) -> Response:
        bulletin = selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        return Response(BulletinOut(bulletin).data)

    @extend_schema(request=BulletinPatchIn, responses=BulletinOut)
    def patch(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        data = validated(BulletinPatchIn, request.data)
        bulletin = services.bulletin_update(
            actor=request.user,  # type: ignore[arg-type]
            bulletin_id=bulletin_id,
            changes=content_changes(data),
        )
        return Response(BulletinOut(bulletin).data)


class _ActionApi(generics.GenericAPIView):
    permission_classes = [HasCapability]
    serializer_class: type[serializers.Serializer] = BulletinOut


class BulletinSubmitApi(_ActionApi):
    """Draft → pending approval (bulletins.write)."""

    capability = "bulletins.write"

    @extend_schema(request=None, responses=BulletinOut)
    def post(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        bulletin = services.bulletin_submit(actor=request.user, bulletin_id=bulletin_id)  # type: ignore[arg-type]
        return Response(BulletinOut(bulletin).data)


class BulletinApproveApi(_ActionApi):
    """Pending approval → approved (bulletins.approve; not by its author: 403)."""

    capability = "bulletins.approve"

    @extend_schema(request=None, responses=BulletinOut)
    def post(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        bulletin = services.bulletin_approve(actor=request.user, bulletin_id=bulletin_id)  # type: ignore[arg-type]
        return Response(BulletinOut(bulletin).data)


class BulletinWithdrawApi(_ActionApi):
    """Withdraw (its author or a supervisor); final."""

    capability = "bulletins.write"

    @extend_schema(request=None, responses=BulletinOut)
    def post(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        bulletin = services.bulletin_withdraw(actor=request.user, bulletin_id=bulletin_id)  # type: ignore[arg-type]
        return Response(BulletinOut(bulletin).data)


class BulletinDisseminateApi(_ActionApi):
    """Log a dissemination of the approved version (bulletins.write); 409 before approval."""

    capability = "bulletins.write"
    serializer_class = BulletinDisseminationOut

    @extend_schema(request=BulletinDisseminateIn, responses={201: BulletinDisseminationOut})
    def post(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        data = validated(BulletinDisseminateIn, request.data)
        entry = services.bulletin_disseminate(
            actor=request.user,  # type: ignore[arg-type]
            bulletin_id=bulletin_id,
            recipients=data["recipients"],
            channel=data["channel"],
        )
        return Response(BulletinDisseminationOut(entry).data, status=201)


class BulletinPhotoApi(_ActionApi):
    """Upload a photo (multipart `photo`, optional `caption`): a new draft version (bulletins.write)."""

    capability = "bulletins.write"
    serializer_class = BulletinPhotoOut
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": BulletinPhotoIn}, responses={201: BulletinPhotoOut})
    def post(self, request: Request, bulletin_id: int) -> Response:
        selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
        data = validated(BulletinPhotoIn, request.data)
        photo = services.photo_add(
            actor=request.user,  # type: ignore[arg-type]
            bulletin_id=bulletin_id,
            upload=data["photo"],
            caption=data["caption"],
        )
        return Response(BulletinPhotoOut(photo).data, status=201)


class BulletinVersionsApi(generics.ListAPIView):
    """Every saved version of a bulletin, oldest first (bulletins.read)."""

    capability = "bulletins.read"
    permission_classes = [HasCapability]
    serializer_class = BulletinVersionOut
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        bulletin = selectors.bulletin_get_for_user(user=self.request.user, bulletin_id=self.kwargs["bulletin_id"])
        return selectors.bulletin_versions(bulletin=bulletin)


class BulletinDisseminationsApi(generics.ListAPIView):
    """The dissemination log of a bulletin, oldest first (bulletins.read)."""

    capability = "bulletins.read"
    permission_classes = [HasCapability]
    serializer_class = BulletinDisseminationOut
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        bulletin = selectors.bulletin_get_for_user(user=self.request.user, bulletin_id=self.kwargs["bulletin_id"])
        return selectors.bulletin_disseminations(bulletin=bulletin)


class BulletinPdfApi(generics.GenericAPIView):
    """The bulletin as a PDF attachment (bulletins.read); audited as an export."""

    capability = "bulletins.read"
    permission_classes = [HasCapability]
    serializer_class = BulletinOut

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, bulletin_id: int) -> HttpResponse:
        return pdf_response(request, bulletin_id)


def pdf_response(request: Request | HttpRequest, bulletin_id: int) -> HttpResponse:
    """Shared by the API and the page: render, record the export, send as an attachment."""
    user = request.user
    bulletin = selectors.bulletin_get_for_user(user=user, bulletin_id=bulletin_id)
    content = bulletin_pdf(bulletin)
    services.pdf_export_record(
        actor=user,  # type: ignore[arg-type]
        bulletin=bulletin,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.pk}-v{bulletin.version}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
