"""GET /api/v1/audit/events/: the audit trail with the auditor's filters (not itself audited per read)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics

from accounts.permissions import HasCapability
from audit.api.serializers import AuditEventOut
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.selectors import event_list_visible_to


class AuditEventListApi(generics.ListAPIView):
    """Audit events newest first; filter by user, action, object (prefix), purpose, case number, time."""

    capability = "audit.read"
    permission_classes = [HasCapability]
    serializer_class = AuditEventOut
    filterset_class = AuditEventFilter

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return event_list_visible_to(user=self.request.user)
