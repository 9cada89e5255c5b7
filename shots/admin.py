from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from audit.admin import AuditedAdminMixin
from shots.models import ShotsFired


@admin.register(ShotsFired)
class ShotsFiredAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    list_display = ("external_id", "source", "detected_at", "detection_type", "rounds", "review_status", "address")
    list_filter = ("review_status", "detection_type", "source", "location_status")
    search_fields = ("external_id", "address")
    date_hierarchy = "detected_at"
    readonly_fields = ("source", "external_id", "incident", "created_at", "updated_at")
