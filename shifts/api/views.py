"""Shift log API: thin views over shifts.services and shifts.selectors."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from operations.api.permissions import WriteCapability
from rtcc.api.inputs import validated
from shifts import selectors, services
from shifts.api.serializers import CurrentShiftOut, HandoverNoteIn, HandoverNoteOut, HandoverQueryIn, SignOnOut


class CurrentShiftApi(APIView):
    """The current shift, who is on duty, and the handover notes received and written."""

    capability = "shifts.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=CurrentShiftOut)
    def get(self, request: Request) -> Response:
        summary = selectors.current_summary(user=request.user)  # type: ignore[arg-type]
        return Response(CurrentShiftOut(summary).data)


class SignOnApi(APIView):
    """Sign on for the current shift (409 when already signed on)."""

    capability = "shifts.write"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses={201: SignOnOut})
    def post(self, request: Request) -> Response:
        record = services.sign_on(actor=request.user)  # type: ignore[arg-type]
        return Response(SignOnOut(record).data, status=201)


class SignOffApi(APIView):
    """Sign off from the current shift (409 when not signed on for it)."""

    capability = "shifts.write"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses=SignOnOut)
    def post(self, request: Request) -> Response:
        record = services.sign_off(actor=request.user)  # type: ignore[arg-type]
        return Response(SignOnOut(record).data)


class HandoverApi(APIView):
    """Handover notes of a local date, oldest first (GET: shifts.read); POST writes one for the
    current shift (shifts.write). Notes are never edited or deleted."""

    capability = "shifts.read"
    write_capability = "shifts.write"
    permission_classes = [HasCapability, WriteCapability]

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="Local date YYYY-MM-DD (default: today)")],
        responses=HandoverNoteOut(many=True),
    )
    def get(self, request: Request) -> Response:
        query = validated(HandoverQueryIn, request.query_params)
        day = query.get("date") or timezone.localdate()
        return Response(HandoverNoteOut(selectors.notes_on(day), many=True).data)

    @extend_schema(request=HandoverNoteIn, responses={201: HandoverNoteOut})
    def post(self, request: Request) -> Response:
        data = validated(HandoverNoteIn, request.data)
        note = services.handover_append(actor=request.user, **data)  # type: ignore[arg-type]
        return Response(HandoverNoteOut(note).data, status=201)
