"""Hotlists API: lists, entries (create/edit with history), AMBER plates from CAP alerts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from cap.models import CapAlert
from lpr.amber import is_amber, plate_candidates
from lpr.models import Hotlist, HotlistEntry, HotlistEntryChange
from lpr.services import hotlists as services
from rtcc.api.inputs import DateTimeField, validated
from rtcc.errors import NotFound


class HotlistOut(serializers.ModelSerializer):
    active_entries = serializers.IntegerField(read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Hotlist
        fields = (
            "id",
            "name",
            "source",
            "priority",
            "owner",
            "distribution_roles",
            "active",
            "active_entries",
            "refresh_path",
            "last_refreshed_at",
        )


class EntryOut(serializers.ModelSerializer):
    entered_by = serializers.CharField(source="entered_by.username", read_only=True, default="")

    class Meta:
        model = HotlistEntry
        fields = (
            "id",
            "hotlist",
            "plate",
            "plate_raw",
            "state",
            "reason",
            "case_number",
            "ncic_number",
            "vehicle_description",
            "effective_from",
            "expires_at",
            "entered_by",
            "notes",
            "active",
            "created_at",
            "updated_at",
        )


class EntryIn(serializers.Serializer):
    plate = serializers.CharField(max_length=16)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200)
    case_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    ncic_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vehicle_description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    effective_from = DateTimeField(required=False, allow_null=True)
    expires_at = DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class EntryUpdateIn(EntryIn):
    active = serializers.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class EntryCreatedOut(serializers.Serializer):
    entry = EntryOut()
    retroactive_hits = serializers.IntegerField()


class ChangeOut(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", read_only=True, default="system")

    class Meta:
        model = HotlistEntryChange
        fields = ("id", "action", "changed_by", "changed_at", "before", "after")


class AmberIn(serializers.Serializer):
    cap_alert = serializers.IntegerField()
    plate = serializers.CharField(max_length=16)
    state = serializers.CharField(max_length=2, required=False, allow_blank=True)


class CandidateOut(serializers.Serializer):
    plate = serializers.CharField()
    state = serializers.CharField()
    context = serializers.CharField()  # type: ignore[assignment]


class AmberPlatesOut(serializers.Serializer):
    is_amber = serializers.BooleanField()
    candidates = CandidateOut(many=True)


class HotlistListApi(generics.ListAPIView):
    """Hotlists with their count of active entries."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]
    serializer_class = HotlistOut

    def get_queryset(self) -> QuerySet[Hotlist]:
        return (
            Hotlist.objects.select_related("owner")
            .annotate(active_entries=Count("entries", filter=Q(entries__active=True)))
            .order_by("priority", "name")
        )


class EntryListApi(generics.ListAPIView):
    """Entries of one hotlist (`active=true|false`, `plate` prefix)."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]
    serializer_class = EntryOut
    queryset = HotlistEntry.objects.none()  # for the schema's path parameter types

    def get_queryset(self) -> QuerySet[HotlistEntry]:
        queryset = HotlistEntry.objects.filter(hotlist_id=self.kwargs["hotlist_id"]).select_related("entered_by")
        if self.request.query_params.get("active") in ("true", "false"):
            queryset = queryset.filter(active=self.request.query_params["active"] == "true")
        if self.request.query_params.get("plate"):
            queryset = queryset.filter(plate__startswith=self.request.query_params["plate"].upper())
        return queryset.order_by("plate", "id")


class EntryCreateApi(APIView):
    """Add a plate to a hotlist; reads of the last days are matched at once (historical hits)."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=EntryIn, responses={201: EntryCreatedOut})
    def post(self, request: Request, hotlist_id: int) -> Response:
        data = validated(EntryIn, request.data)
        entry, hits = services.entry_create(user=request.user, hotlist_id=hotlist_id, data=data)  # type: ignore[arg-type]
        return Response({"entry": EntryOut(entry).data, "retroactive_hits": len(hits)}, status=201)


class EntryUpdateApi(APIView):
    """Edit an entry (or deactivate it with `active: false`); the change is kept in its history."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=EntryUpdateIn, responses=EntryOut)
    def post(self, request: Request, entry_id: int) -> Response:
        data = validated(EntryUpdateIn, request.data)
        entry = services.entry_update(user=request.user, entry_id=entry_id, data=data)  # type: ignore[arg-type]
        return Response(EntryOut(entry).data)


class EntryHistoryApi(generics.ListAPIView):
    """Who changed what on an entry, oldest first."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]
    serializer_class = ChangeOut
    pagination_class = None
    queryset = HotlistEntryChange.objects.none()  # for the schema's path parameter types

    def get_queryset(self) -> QuerySet[HotlistEntryChange]:
        if not HotlistEntry.objects.filter(pk=self.kwargs["entry_id"]).exists():
            raise NotFound("No such hotlist entry.")
        return HotlistEntryChange.objects.filter(entry_id=self.kwargs["entry_id"]).select_related("changed_by")


class AmberPlatesApi(APIView):
    """Plates found in a CAP alert's text, for an analyst to confirm before anything is listed."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]

    @extend_schema(responses=AmberPlatesOut)
    def get(self, request: Request, cap_id: int) -> Response:
        alert = CapAlert.objects.filter(pk=cap_id).first()
        if alert is None:
            raise NotFound("No such CAP alert.")
        amber = is_amber(alert.infos, alert.headline, alert.event)
        candidates = plate_candidates(alert.infos) if amber else []
        return Response({"is_amber": amber, "candidates": [c.__dict__ for c in candidates]})


class AmberEntryApi(APIView):
    """Put the confirmed plate of an AMBER CAP alert on the AMBER hotlist."""

    capability = "lpr.hotlists.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=AmberIn, responses={201: EntryCreatedOut})
    def post(self, request: Request) -> Response:
        data = validated(AmberIn, request.data)
        entry, hits = services.amber_entry_from_cap(
            user=request.user,  # type: ignore[arg-type]
            cap_alert_id=data["cap_alert"],
            plate=data["plate"],
            state=data.get("state", ""),
        )
        return Response({"entry": EntryOut(entry).data, "retroactive_hits": len(hits)}, status=201)
