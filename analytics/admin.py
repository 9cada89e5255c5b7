from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from analytics.models import TransparencyPolicy
from audit.admin import AuditedModelAdmin


@admin.register(TransparencyPolicy)
class TransparencyPolicyAdmin(AuditedModelAdmin):
    """The published policy: one row, edited here, audited like every admin change."""

    fields = ("title", "body", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    list_display = ("title", "updated_at", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not TransparencyPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
