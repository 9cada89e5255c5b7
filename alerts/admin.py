from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from alerts.models import Alert, AlertMute
from audit.admin import AuditedAdminMixin, AuditedModelAdmin


@admin.register(Alert)
class AlertAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    list_display = ("title", "type", "priority", "status", "created_at", "resolved_at")
    list_filter = ("type", "status", "priority")
    search_fields = ("title", "detail", "source_key")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(AlertMute)
class AlertMuteAdmin(AuditedModelAdmin):
    """Mute history for review; mutes are created and ended through the API (audited), never here."""

    list_display = ("__str__", "type", "source_key", "reason", "created_by", "created_at", "expires_at", "ended_at")
    list_filter = ("type",)
    search_fields = ("reason", "source_key")
    readonly_fields = [f.name for f in AlertMute._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
