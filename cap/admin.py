from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from audit.admin import AuditedAdminMixin
from cap.models import CapAlert


@admin.register(CapAlert)
class CapAlertAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    list_display = ("event", "sender", "sent", "severity", "msg_type", "state")
    list_filter = ("state", "severity", "msg_type", "status")
    search_fields = ("event", "headline", "sender", "identifier")
    readonly_fields = [f.name for f in CapAlert._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
