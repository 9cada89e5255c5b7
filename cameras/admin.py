"""Django admin for the camera registry. Saves go through cameras.services (audit, events, encryption)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.db.models import QuerySet
from django.forms import Media, Script
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from leaflet.admin import LeafletGeoAdmin

from audit.admin import AuditedAdminMixin, AuditedModelAdmin
from cameras import services
from cameras.choices import CameraStatus
from cameras.forms import CameraAdminForm
from cameras.models import Camera, FootageRequest
from rtcc.errors import ApplicationError


@admin.register(Camera)
class CameraAdmin(AuditedAdminMixin, LeafletGeoAdmin):
    form = CameraAdminForm
    list_display = ("reference", "name", "owner_type", "tier", "status", "health", "source", "mou_expires_on")
    list_filter = ("status", "tier", "owner_type", "health", "source")
    search_fields = ("reference", "name", "owner_name", "address", "contact_name", "contact_email", "external_id")
    ordering = ("name", "id")
    list_per_page = 50
    actions = ["retire_selected"]
    readonly_fields = (
        "reference",
        "status",
        "review_link",
        "rejection_reason",
        "reviewed_by",
        "reviewed_at",
        "source",
        "external_id",
        "submitted_from",
        "credentials_stored",
        "health",
        "health_detail",
        "health_checked_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "owner_type", "owner_name", "address", "tags")}),
        (
            "Placement",
            {
                "fields": ("location", "heading", "fov", "range_m", "mount_height_m"),
                "description": "Click the map to place the camera and drag the pin to move it; the shaded cone "
                "follows the heading, field of view and range.",
            },
        ),
        ("Owner contact", {"fields": ("contact_name", "contact_phone", "contact_email", "contact_after_hours")}),
        (
            "Access",
            {
                "fields": (
                    "tier",
                    "retention_days",
                    "recording_hours",
                    "stream_url",
                    "stream_username",
                    "stream_password",
                    "clear_credentials",
                    "credentials_stored",
                    "mou_file",
                    "mou_signed_on",
                    "mou_expires_on",
                )
            },
        ),
        ("Snapshot", {"fields": ("snapshot",), "classes": ("collapse",)}),
        (
            "Record",
            {
                "fields": (
                    "reference",
                    "status",
                    "review_link",
                    "rejection_reason",
                    "reviewed_by",
                    "reviewed_at",
                    "source",
                    "external_id",
                    "submitted_from",
                    "health",
                    "health_detail",
                    "health_checked_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    @property
    def media(self) -> Media:
        return super().media + Media(
            css={"all": ["cameras/cameras.css"]},
            js=[Script("cameras/admin_cone.js", type="module")],  # type: ignore[list-item]
        )

    @admin.display(description="Stream credentials")
    def credentials_stored(self, camera: Camera) -> str:
        return "stored (encrypted)" if camera.has_credentials else "none"

    @admin.display(description="Review")
    def review_link(self, camera: Camera) -> str:
        if camera.status != CameraStatus.PENDING:
            return "—"
        return format_html('<a href="{}">Approve or reject on the review page</a>', reverse("camera-review"))

    def has_delete_permission(self, request: HttpRequest, obj: Camera | None = None) -> bool:
        # Cameras are retired, not deleted: footage requests and the audit trail point at them.
        return False

    @csrf_protect_m
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The services open their own durable transaction (their map events are sent on its commit);
        # the admin's usual outer atomic block would nest them.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Camera, form: CameraAdminForm, change: bool) -> None:  # type: ignore[override]
        data = form.service_data()
        if change:
            camera = services.camera_update(user=request.user, camera_id=obj.pk, data=data)  # type: ignore[arg-type]
        else:
            camera = services.camera_create(user=request.user, data=data)  # type: ignore[arg-type]
        obj.pk = camera.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No many-to-many fields or inlines; the service already saved everything.
        return None

    @admin.action(description="Retire selected cameras (off the map, history kept)")
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[Camera]) -> None:
        retired = 0
        for camera_id in queryset.exclude(status=CameraStatus.RETIRED).values_list("pk", flat=True):
            try:
                services.camera_retire(user=request.user, camera_id=camera_id)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                retired += 1
        self.message_user(request, f"Retired {retired} camera(s).", messages.SUCCESS)


@admin.register(FootageRequest)
class FootageRequestAdmin(AuditedModelAdmin):
    """Read-only: requests are made and answered through the API, where the rules live."""

    list_display = ("id", "camera", "incident", "status", "window_start", "window_end", "requested_by", "requested_at")
    list_filter = ("status",)
    search_fields = ("camera__reference", "camera__name", "case_number", "reason")
    list_select_related = ("camera", "incident", "requested_by")
    date_hierarchy = "requested_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FootageRequest | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FootageRequest | None = None) -> bool:
        return False
