"""The auditor's filters, shared by the page, its CSV export and the API (each served by an index)."""

from __future__ import annotations

import django_filters

from audit.models import AuditEvent
from rtcc.api.filters import IsoDateTimeFilter


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(
        field_name="actor__username", max_length=150, help_text="Username of the person who acted."
    )
    action = django_filters.CharFilter(max_length=64, help_text="Exact action, e.g. lpr.search.")
    object = django_filters.CharFilter(
        field_name="object_ref", lookup_expr="startswith", max_length=128, help_text="Object reference or its start."
    )
    purpose = django_filters.CharFilter(max_length=32)
    case_number = django_filters.CharFilter(max_length=64)
    since = IsoDateTimeFilter(field_name="at", lookup_expr="gte", help_text="From (ISO 8601).")
    until = IsoDateTimeFilter(field_name="at", lookup_expr="lt", help_text="Before (ISO 8601).")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def active(self) -> dict[str, str]:
        """The filters given (for the audit of an export and for page links)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.form.cleaned_data.items() if value not in (None, "")}
