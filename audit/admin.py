"""Django admin: the audited base for every model admin, and the read-only audit trail.

Every add, change and delete made in the admin, and every bulk action, is recorded with the
field values before and after (secrets masked). `audit_admin_site()` (run from AuditConfig.ready)
switches any admin still unaudited, such as those of Django's auth and third-party apps, to an
audited subclass; tests/audit/test_admin.py fails for any admin that escapes it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent, AuditFlag
from audit.services import audit_record

MASK = "[masked]"
# Fields that hold secrets (by a word of their name): their values never enter the trail, only
# whether they changed.
SECRET_WORDS = frozenset({"password", "secret", "token", "credential", "credentials", "encrypted", "seed", "otp"})
NOT_SECRET = frozenset({"source_key"})
MAX_VALUE_CHARS = 500
MAX_BULK_OBJECTS = 1000


def _is_secret(field: models.Field[Any, Any] | models.ForeignObjectRel) -> bool:
    name = field.name.lower()
    words = name.split("_")
    # "key" names a secret as the last word or before "hash" (key, api_key, key_hash), not key_rotated_at.
    key = words[-1] == "key" or "key_hash" in name
    return name not in NOT_SECRET and (key or bool(SECRET_WORDS & set(words)))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value[:MAX_VALUE_CHARS] if isinstance(value, str) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)[:MAX_VALUE_CHARS]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's field values as JSON (many-to-many as id lists); secrets masked."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        values[field.attname] = MASK if _is_secret(field) else _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _changed(before: tuple[dict[str, Any], dict[str, Any]], after: dict[str, Any], obj: models.Model) -> list[str]:
    masked_before, raw_before = before
    raw_after = _raw(obj)
    names = {name for name in set(masked_before) | set(after) if masked_before.get(name) != after.get(name)}
    return sorted(names | {name for name in raw_after if raw_before.get(name) != raw_after.get(name)})


def _raw(obj: models.Model) -> dict[str, Any]:
    """Unmasked values, only to tell which masked fields changed (never recorded)."""
    return {field.attname: _plain(field.value_from_object(obj)) for field in obj._meta.concrete_fields}


def object_ref(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


class AuditedAdminMixin:
    """Records admin writes in the audit trail: admin.add / admin.change / admin.delete / admin.action."""

    audited = True

    def _stash(self, request: HttpRequest, obj: models.Model) -> None:
        stash = request.__dict__.setdefault("_audit_before", {})
        stash.setdefault(object_ref(obj), (snapshot(obj), _raw(obj)))

    def _before(self, request: HttpRequest, obj: models.Model) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return request.__dict__.get("_audit_before", {}).pop(object_ref(obj), None)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Taken before the form writes into the instance: the values as they are in the database.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is not None:
            self._stash(request, obj)
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and obj.pk is not None and object_ref(obj) not in request.__dict__.get("_audit_before", {}):
            current = type(obj)._default_manager.filter(pk=obj.pk).first()  # list_editable saves
            if current is not None:
                self._stash(request, current)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._record(request, obj, "admin.add", before=None)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._record(request, obj, "admin.change", before=self._before(request, obj))
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = snapshot(obj)
        ref = object_ref(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.delete",
            object_ref=ref,
            details={"model": obj._meta.label_lower, "before": before, "after": None},
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        doomed = [(object_ref(obj), obj._meta.label_lower, snapshot(obj)) for obj in queryset[:MAX_BULK_OBJECTS]]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        for ref, label, before in doomed:
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                action="admin.delete",
                object_ref=ref,
                details={"model": label, "before": before, "after": None, "bulk": True},
            )

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Callable[..., str], str, str] | None]:
        actions = super().get_actions(request)  # type: ignore[misc]
        # delete_selected is recorded by delete_queryset (it also shows a confirmation page first).
        audited: dict[str, tuple[Callable[..., str], str, str] | None] = {}
        for name, entry in actions.items():
            if entry is None or name == "delete_selected":
                audited[name] = entry
                continue
            func, _, description = entry
            audited[name] = (_audited_action(func, name), name, description)
        return audited

    def _record(
        self, request: HttpRequest, obj: Any, action: str, before: tuple[dict[str, Any], dict[str, Any]] | None
    ) -> None:
        after = snapshot(obj)
        details: dict[str, Any] = {
            "model": obj._meta.label_lower,
            "before": before[0] if before else None,
            "after": after,
        }
        if before is not None:
            details["changed"] = _changed(before, after, obj)
        audit_record(actor=request.user, action=action, object_ref=object_ref(obj), details=details)  # type: ignore[arg-type]


def _audited_action(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    def action(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        objects = list(queryset[:MAX_BULK_OBJECTS])
        before = {str(obj.pk): snapshot(obj) for obj in objects}
        result = func(modeladmin, request, queryset)
        model = queryset.model
        after = {str(obj.pk): snapshot(obj) for obj in model._default_manager.filter(pk__in=[o.pk for o in objects])}
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="admin.action",
            object_ref=f"{model._meta.label_lower}:{','.join(before)}"[:128],
            details={
                "model": model._meta.label_lower,
                "admin_action": name,
                "ids": list(before),
                "before": before,
                "after": after,
            },
        )
        return result

    action.__name__ = getattr(func, "__name__", name)
    for attribute in ("short_description", "allowed_permissions"):
        if hasattr(func, attribute):
            setattr(action, attribute, getattr(func, attribute))
    return action


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg,misc]
    """Use instead of admin.ModelAdmin (or put AuditedAdminMixin first before another base)."""


def audit_admin_site(site: admin.AdminSite) -> list[str]:
    """Switch every registered admin that is not audited yet (Django's and third-party apps') to an audited subclass."""
    switched = []
    for model, model_admin in list(site._registry.items()):
        if getattr(model_admin, "audited", False):
            continue
        base = type(model_admin)
        audited = type(f"Audited{base.__name__}", (AuditedAdminMixin, base), {"__module__": __name__})
        site.unregister(model)
        site.register(model, audited)
        switched.append(model._meta.label_lower)
    return switched


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedModelAdmin):
    list_display = ("seq", "at", "actor", "action", "object_ref", "purpose", "case_number")
    list_filter = ("action", "purpose")
    search_fields = ("object_ref", "case_number")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditFlag)
class AuditFlagAdmin(AuditedModelAdmin):
    """Read-only here: flags are reviewed on the anomalies page, where the review is audited."""

    list_display = ("kind", "user", "key", "day", "count", "status", "reviewed_by")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in AuditFlag._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
