"""Cases API: thin views over cases.services and cases.selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasCapability
from cases import selectors, services
from cases.api.serializers import (
    CaseDetailOut,
    CaseIn,
    CaseLinkIn,
    CaseLinkOut,
    CaseLogEntryIn,
    CaseLogEntryOut,
    CaseOut,
    CasePatchIn,
    CaseReturnIn,
)
from cases.choices import CaseStatus
from cases.models import Case
from operations.api.permissions import WriteCapability
from rtcc.api.inputs import validated
from rtcc.errors import InvalidInput


def case_detail_data(case: Case, user: Any) -> dict[str, Any]:
    """CaseDetailOut's shape: the case, its links and its log (with `corrected_by`)."""
    data = dict(CaseOut(case).data)
    data["links"] = CaseLinkOut(selectors.case_links(case=case), many=True).data
    data["log"] = CaseLogEntryOut(selectors.case_log(case=case), many=True).data
    return data


@extend_schema(
    parameters=[
        OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only cases I lead, opened or contribute to."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values),
    ]
)
class CaseListApi(generics.ListAPIView):
    """Cases, newest first (GET: cases.read, ?mine=1, ?status=); POST opens one (cases.write)."""

    capability = "cases.read"
    write_capability = "cases.write"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = CaseOut

    def get_queryset(self) -> QuerySet[Case]:
        status = self.request.query_params.get("status", "")
        if status and status not in CaseStatus.values:
            raise InvalidInput(f"status: must be one of {', '.join(CaseStatus.values)}")
        mine = self.request.query_params.get("mine", "") in ("1", "true", "yes")
        return selectors.case_list_filtered(user=self.request.user, mine=mine, status=status)

    @extend_schema(request=CaseIn, responses={201: CaseOut})
    def post(self, request: Request) -> Response:
        data = validated(CaseIn, request.data)
        case = services.case_open(
            actor=request.user,  # type: ignore[arg-type]
            title=data["title"],
            summary=data["summary"],
            lead_id=data.get("lead_id"),
            links=[(link["kind"], link["object_id"]) for link in data.get("links", [])],
        )
        return Response(CaseOut(case).data, status=201)


class CaseDetailApi(generics.GenericAPIView):
    """One case with its links and log (GET: cases.read); PATCH edits fields (cases.write, 409 once approved)."""

    capability = "cases.read"
    write_capability = "cases.write"
    permission_classes = [HasCapability, WriteCapability]
    serializer_class = CaseDetailOut

    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(case_detail_data(case, request.user))

    @extend_schema(request=CasePatchIn, responses=CaseDetailOut)
    def patch(self, request: Request, case_id: int) -> Response:
        selectors.case_get_for_user(user=request.user, case_id=case_id)
        changes = validated(CasePatchIn, request.data)
        services.case_update(actor=request.user, case_id=case_id, changes=changes)  # type: ignore[arg-type]
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(case_detail_data(case, request.user))


class CaseLogApi(generics.GenericAPIView):
    """Append one entry to the case's log (cases.write; allowed in every state)."""

    capability = "cases.write"
    permission_classes = [HasCapability]
    serializer_class = CaseLogEntryOut

    @extend_schema(request=CaseLogEntryIn, responses={201: CaseLogEntryOut})
    def post(self, request: Request, case_id: int) -> Response:
        selectors.case_get_for_user(user=request.user, case_id=case_id)
        data = validated(CaseLogEntryIn, request.data)
        entry = services.log_append(actor=request.user, case_id=case_id, **data)  # type: ignore[arg-type]
        entry.corrected_by = []  # type: ignore[attr-defined]
        return Response(CaseLogEntryOut(entry).data, status=201)


class CaseLinksApi(generics.GenericAPIView):
    """Link an incident, alert, camera… to the case (cases.write; 409 if already linked or case locked)."""

    capability = "cases.write"
    permission_classes = [HasCapability]
    serializer_class = CaseLinkOut

    @extend_schema(request=CaseLinkIn, responses={201: CaseLinkOut})
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        data = validated(CaseLinkIn, request.data)
        link = services.case_link_add(
            actor=request.user,  # type: ignore[arg-type]
            case_id=case.pk,
            kind=data["kind"],
            object_id=data["object_id"],
        )
        body = dict(CaseLinkOut(link).data)
        body["case_number"] = case.number
        return Response(body, status=201)


class _TransitionApi(generics.GenericAPIView):
    permission_classes = [HasCapability]
    serializer_class = CaseOut

    def act(self, request: Request, case_id: int) -> Case:
        raise NotImplementedError

    def post(self, request: Request, case_id: int) -> Response:
        selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(CaseOut(self.act(request, case_id)).data)


@extend_schema(request=None, responses=CaseOut)
class CaseSubmitApi(_TransitionApi):
    """Submit an open case for supervisor review (cases.write)."""

    capability = "cases.write"

    def act(self, request: Request, case_id: int) -> Case:
        return services.case_submit(actor=request.user, case_id=case_id)  # type: ignore[arg-type]


@extend_schema(request=None, responses=CaseOut)
class CaseApproveApi(_TransitionApi):
    """Approve a case pending review (cases.review); it locks except for appended log entries."""

    capability = "cases.review"

    def act(self, request: Request, case_id: int) -> Case:
        return services.case_approve(actor=request.user, case_id=case_id)  # type: ignore[arg-type]


@extend_schema(request=CaseReturnIn, responses=CaseOut)
class CaseReturnApi(_TransitionApi):
    """Return a case pending review to its analysts with a comment (cases.review; the comment is logged)."""

    capability = "cases.review"

    def act(self, request: Request, case_id: int) -> Case:
        data = validated(CaseReturnIn, request.data)
        return services.case_return(actor=request.user, case_id=case_id, comment=data["comment"])  # type: ignore[arg-type]


@extend_schema(request=None, responses=CaseOut)
class CaseCloseApi(_TransitionApi):
    """Close an approved case (cases.write)."""

    capability = "cases.write"

    def act(self, request: Request, case_id: int) -> Case:
        return services.case_close(actor=request.user, case_id=case_id)  # type: ignore[arg-type]


class CaseReviewQueueApi(generics.ListAPIView):
    """Cases pending review, oldest submission first (cases.review)."""

    capability = "cases.review"
    permission_classes = [HasCapability]
    serializer_class = CaseOut
    pagination_class = None

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.review_queue(user=self.request.user)
