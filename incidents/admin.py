from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from audit.admin import AuditedAdminMixin, AuditedModelAdmin
from incidents.models import CallType, Incident


@admin.register(Incident)
class IncidentAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    list_display = ("external_id", "source", "call_type", "priority", "status", "received_at", "district")
    list_filter = ("status", "priority", "source", "location_status")
    search_fields = ("external_id", "address", "call_type", "final_call_type")
    date_hierarchy = "received_at"
    readonly_fields = ("source", "external_id", "created_at", "updated_at")


@admin.register(CallType)
class CallTypeAdmin(AuditedModelAdmin):
    list_display = ("code", "description", "default_priority")
    list_filter = ("default_priority",)
    search_fields = ("code", "description")
