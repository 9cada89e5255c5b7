"""LPR hit API: the verification queue, the read beside its entry, confirm / reject / outcome, map layers.

Visibility comes from lpr.selectors (unverified hits only for their hotlist's distribution); the
writes are lpr.services.hits. Every response carries the stored `status`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from audit.services import audit_record
from lpr import selectors
from lpr.api.serializers import HitDetailOut, HitFeatureOut, HitOut, HitOutcomeIn, HitRejectIn, ReaderFeatureOut
from lpr.choices import HitKind, HitStatus, ReaderStatus
from lpr.models import Hit, Reader
from lpr.services import hits as hit_services
from rtcc.api.inputs import validated
from rtcc.api.layers import GeoLayerApi

# The map shows hits read in the last day unless asked otherwise; a month at most.
LAYER_DEFAULT_HOURS = 24
MAX_SINCE_HOURS = 24 * 31


class HitFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=HitStatus.choices)
    kind = django_filters.ChoiceFilter(choices=HitKind.choices)
    since_hours = django_filters.NumberFilter(
        method="filter_since_hours", label=f"Read in the last N hours (at most {MAX_SINCE_HOURS})"
    )
    priority__lte = django_filters.NumberFilter(field_name="priority", lookup_expr="lte")

    class Meta:
        model = Hit
        fields = ["status", "kind", "hotlist"]

    def filter_since_hours(self, queryset, name, value):  # type: ignore[no-untyped-def]
        hours = min(max(float(value), 0), MAX_SINCE_HOURS)
        return queryset.filter(read_at__gte=timezone.now() - timedelta(hours=hours))


class HitListApi(generics.ListAPIView):
    """Hits you may see, newest first: actionable ones for every LPR reader, the others for the list's distribution."""

    capability = "lpr.read"
    permission_classes = [HasCapability]
    serializer_class = HitOut
    filterset_class = HitFilter

    def get_queryset(self) -> QuerySet[Hit]:
        return selectors.hit_list_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = len(response.data.get("results", [])) if isinstance(response.data, dict) else 0
        audit_record(  # reading hits is a read of plate data
            actor=request.user,  # type: ignore[arg-type]
            action="lpr.hits.list",
            object_ref="lpr_hit",
            details={"shown": shown, "filters": {key: value[:64] for key, value in request.query_params.items()}},
        )
        return response


def detail_response(request: Request, hit: Hit) -> Response:
    read = selectors.hit_read(hit=hit)
    context = {
        "read": read,
        "comparison": selectors.hit_compare(hit=hit, read=read),
        "may_verify": selectors.may_verify(user=request.user, hit=hit),
        "may_record_outcome": selectors.may_record_outcome(user=request.user, hit=hit),
    }
    return Response(HitDetailOut(hit, context=context).data)


def visible_hit(request: Request, pk: int) -> Hit:
    """The hit if the user may see it: an action on a hit outside your distribution is a 404, not a 403."""
    return selectors.hit_get_for_user(user=request.user, hit_id=pk)


class HitDetailApi(APIView):
    """One hit: the read (crop reference, plate, state, confidence, time, place, vehicle) beside the entry."""

    capability = "lpr.read"
    permission_classes = [HasCapability]

    @extend_schema(responses=HitDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        hit = visible_hit(request, pk)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="lpr.hit.view",
            object_ref=f"hit:{hit.pk}",
            details={"plate": hit.plate},
        )
        return detail_response(request, hit)


class HitConfirmApi(APIView):
    """Confirm an unverified hit: it becomes actionable and goes to the whole ops channel."""

    capability = "lpr.hits.verify"
    permission_classes = [HasCapability]

    @extend_schema(request=None, responses=HitDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        visible_hit(request, pk)
        hit = hit_services.hit_confirm(user=request.user, hit_id=pk)  # type: ignore[arg-type]
        return detail_response(request, hit)


class HitRejectApi(APIView):
    """Reject an unverified hit with a reason (misread, wrong_state, entry_expired, vehicle_mismatch)."""

    capability = "lpr.hits.verify"
    permission_classes = [HasCapability]

    @extend_schema(request=HitRejectIn, responses=HitDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        visible_hit(request, pk)
        data = validated(HitRejectIn, request.data)
        hit = hit_services.hit_reject(user=request.user, hit_id=pk, reason=data["reason"])  # type: ignore[arg-type]
        return detail_response(request, hit)


class HitOutcomeApi(APIView):
    """Record what happened after an actionable hit (stop, recovered, arrest, not_located)."""

    capability = "lpr.hits.verify"
    permission_classes = [HasCapability]

    @extend_schema(request=HitOutcomeIn, responses=HitDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        visible_hit(request, pk)
        data = validated(HitOutcomeIn, request.data)
        hit = hit_services.hit_record_outcome(user=request.user, hit_id=pk, outcome=data["outcome"])  # type: ignore[arg-type]
        return detail_response(request, hit)


class HitLayerApi(GeoLayerApi):
    """Recent located hits you may see as GeoJSON (`since_hours`, default 24; `bbox`; `status`)."""

    capability = "lpr.read"
    serializer_class = HitFeatureOut
    filterset_class = HitFilter
    bbox_filter_field = "location"

    def get_queryset(self) -> QuerySet[Hit]:
        queryset = selectors.hit_list_visible_to(user=self.request.user).filter(location__isnull=False)
        if "since_hours" not in self.request.query_params:
            queryset = queryset.filter(read_at__gte=timezone.now() - timedelta(hours=LAYER_DEFAULT_HOURS))
        return queryset.order_by("-read_at", "-id")


class ReaderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReaderStatus.choices)

    class Meta:
        model = Reader
        fields = ["status", "kind"]


class ReaderLayerApi(GeoLayerApi):
    """Readers with a fixed position as GeoJSON (`bbox`, `status`, `kind`)."""

    capability = "lpr.readers"
    serializer_class = ReaderFeatureOut
    filterset_class = ReaderFilter
    bbox_filter_field = "location"

    def get_queryset(self) -> QuerySet[Reader]:
        return selectors.reader_list_visible_to(user=self.request.user).filter(location__isnull=False).order_by("id")
