from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(LeafletGeoAdmin):
    list_display = ("title", "type", "priority", "status", "created_at", "resolved_at")
    list_filter = ("type", "status", "priority")
    search_fields = ("title", "detail", "source_key")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
