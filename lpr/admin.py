"""Django admin for LPR: readers and hotlists are edited here; entries, hits and the purge ledger are read-only.

Entries change through the hotlist pages and API (lpr.services.hotlists keeps their history, audits and
matches earlier reads); hits change only through verification. Who may use these screens comes from the
capability map, like every other interface.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from accounts.roles import Role, has_capability
from audit.admin import AuditedAdminMixin, AuditedModelAdmin
from audit.services import audit_record
from lpr import selectors
from lpr.models import Hit, Hotlist, HotlistEntry, HotlistEntryChange, PurgeLedger, Reader


class CapabilityAdminMixin:
    """Admin permissions from accounts.roles capabilities; `edit_capability = None` makes a model read-only."""

    view_capability = "admin.site"
    edit_capability: str | None = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, self.view_capability)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_capability(request.user, self.view_capability)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.edit_capability is not None and has_capability(request.user, self.edit_capability)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.edit_capability is not None and has_capability(request.user, self.edit_capability)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Readers and lists are set inactive, never deleted: reads and hits point at them.
        return False


@admin.register(Reader)
class ReaderAdmin(AuditedAdminMixin, CapabilityAdminMixin, LeafletGeoAdmin):
    edit_capability = "admin.site"
    list_display = ("name", "kind", "feed", "external_id", "direction", "status", "camera")
    list_filter = ("status", "kind", "feed")
    search_fields = ("name", "external_id")
    list_select_related = ("feed", "camera")
    readonly_fields = ("created_at",)
    fields = ("name", "kind", "feed", "external_id", "location", "direction", "camera", "status", "created_at")


class HotlistAdminForm(forms.ModelForm):
    distribution_roles = forms.TypedMultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Roles that receive this list's unverified hits. None ticked and no users below: analysts.",
    )

    class Meta:
        model = Hotlist
        fields = (
            "name",
            "source",
            "priority",
            "active",
            "distribution_roles",
            "distribution_users",
            "refresh_path",
            "refresh_mapping",
        )


@admin.register(Hotlist)
class HotlistAdmin(CapabilityAdminMixin, AuditedModelAdmin):
    edit_capability = "lpr.hotlists.manage"
    form = HotlistAdminForm
    list_display = ("name", "source", "priority", "active", "distribution", "last_refreshed_at")
    list_filter = ("source", "active", "priority")
    search_fields = ("name",)
    filter_horizontal = ("distribution_users",)
    readonly_fields = ("owner", "last_refreshed_at", "created_at")

    @admin.display(description="Unverified hits go to")
    def distribution(self, hotlist: Hotlist) -> str:
        return ", ".join(hotlist.distribution_roles) or "analysts (default)"

    def save_model(self, request: HttpRequest, obj: Hotlist, form: forms.ModelForm, change: bool) -> None:
        if not change:
            obj.owner = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        # Who receives unverified hits is sensitive: changes to a list are on the record.
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="lpr.hotlist.change" if change else "lpr.hotlist.create",
            object_ref=f"hotlist:{obj.pk}",
            details={"fields": sorted(form.changed_data)},
        )


class HotlistEntryChangeInline(admin.TabularInline):
    model = HotlistEntryChange
    fields = ("changed_at", "changed_by", "action", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_capability(request.user, "admin.site")


@admin.register(HotlistEntry)
class HotlistEntryAdmin(CapabilityAdminMixin, AuditedModelAdmin):
    """Read-only here: add and edit entries on the Hotlists page, which keeps the history shown below."""

    list_display = ("plate", "state", "hotlist", "reason", "case_number", "expires_at", "active")
    list_filter = ("active", "hotlist")
    search_fields = ("plate", "case_number", "ncic_number", "reason")
    list_select_related = ("hotlist",)
    inlines = (HotlistEntryChangeInline,)


@admin.register(Hit)
class HitAdmin(CapabilityAdminMixin, AuditedModelAdmin):
    """Read-only: hits are verified on the hit pages, where the rules (and the audit) live."""

    list_display = (
        "id",
        "plate",
        "state",
        "hotlist",
        "kind",
        "priority",
        "status",
        "reject_reason",
        "outcome",
        "read_at",
    )
    list_filter = ("status", "kind", "priority", "reject_reason", "outcome", "hotlist")
    search_fields = ("plate",)
    list_select_related = ("hotlist",)
    date_hierarchy = "read_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hit]:
        # The same rule as everywhere: unverified and rejected hits only for their list's distribution.
        return selectors.hit_list_visible_to(user=request.user)


@admin.register(PurgeLedger)
class PurgeLedgerAdmin(CapabilityAdminMixin, AuditedModelAdmin):
    list_display = ("ran_at", "policy", "window_start", "window_end", "rows_removed", "partitions_dropped")
    list_filter = ("policy",)
    date_hierarchy = "ran_at"
