"""GET /api/v1/lpr/purges/: the retention purge ledger (supervisors and admins)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, serializers

from accounts.permissions import HasCapability
from lpr.models import PurgeLedger
from lpr.retention import purge_ledger_visible_to


class PurgeOut(serializers.ModelSerializer):
    class Meta:
        model = PurgeLedger
        fields = ("id", "policy", "window_start", "window_end", "rows_removed", "partitions_dropped", "ran_at")


class PurgeListApi(generics.ListAPIView):
    """Every purge run, newest first: policy, the window purged (before window_end), rows and partitions removed."""

    capability = "lpr.ledger"
    permission_classes = [HasCapability]
    serializer_class = PurgeOut
    filterset_fields = ("policy",)

    def get_queryset(self) -> QuerySet[PurgeLedger]:
        return purge_ledger_visible_to(user=self.request.user)
