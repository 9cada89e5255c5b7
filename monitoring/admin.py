from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from audit.admin import AuditedAdminMixin, AuditedModelAdmin
from monitoring.models import Subject, Zone, ZoneVisit


@admin.register(Subject)
class SubjectAdmin(AuditedModelAdmin):
    list_display = (
        "reference",
        "device_id",
        "source",
        "supervision_type",
        "active_from",
        "active_until",
        "last_ping_at",
    )
    list_filter = ("supervision_type", "source")
    search_fields = ("reference", "device_id", "officer_name")


@admin.register(Zone)
class ZoneAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    list_display = ("name", "kind", "dwell_seconds", "schedule_start", "schedule_end")
    list_filter = ("kind",)
    filter_horizontal = ("subjects",)


@admin.register(ZoneVisit)
class ZoneVisitAdmin(AuditedModelAdmin):
    list_display = ("subject", "zone", "entered_at", "last_seen_at", "exited_at", "alerted")
    list_filter = ("alerted",)
    readonly_fields = [f.name for f in ZoneVisit._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
