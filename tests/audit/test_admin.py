"""Admin changes are audited with before/after (secrets masked); a generated test covers every registered admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from audit.admin import MASK, AuditedAdminMixin
from audit.models import AuditEvent
from incidents.models import CallType

pytestmark = pytest.mark.django_db


def test_every_registered_model_admin_is_audited() -> None:
    """Generated: a new admin (ours, Django's or a package's) that skips the audit fails here."""
    registry = admin.site._registry
    assert len(registry) >= 20
    unaudited = [
        model._meta.label for model, model_admin in registry.items() if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []
    for model_admin in registry.values():  # the hooks are not overridden away by a subclass
        for hook in ("log_addition", "log_change", "delete_model", "delete_queryset", "get_actions", "get_object"):
            owner = next(klass for klass in type(model_admin).__mro__ if hook in vars(klass))
            assert owner is AuditedAdminMixin or issubclass(owner, AuditedAdminMixin), (type(model_admin), hook)


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_add_change_and_delete_record_before_and_after(admin_client: Client, admin_user: Any) -> None:
    response = admin_client.post(
        "/admin/incidents/calltype/add/", {"code": "ROB", "description": "Robbery", "default_priority": 2}
    )
    assert response.status_code == 302, response.content[:2000]
    call_type = CallType.objects.get(code="ROB")
    ref = f"incidents.calltype:{call_type.pk}"
    added = AuditEvent.objects.get(action="admin.add", object_ref=ref)
    assert added.actor_id == admin_user.pk
    assert added.details["before"] is None
    assert added.details["after"]["description"] == "Robbery"

    response = admin_client.post(
        f"/admin/incidents/calltype/{call_type.pk}/change/",
        {"code": "ROB", "description": "Armed robbery", "default_priority": 1},
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="admin.change", object_ref=ref)
    assert changed.details["before"]["description"] == "Robbery"
    assert changed.details["after"]["description"] == "Armed robbery"
    assert changed.details["changed"] == ["default_priority", "description"]

    response = admin_client.post(f"/admin/incidents/calltype/{call_type.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(action="admin.delete", object_ref=ref)
    assert deleted.details["before"]["description"] == "Armed robbery"
    assert deleted.details["after"] is None


def test_bulk_delete_records_each_object(admin_client: Client) -> None:
    kept = [CallType.objects.create(code=f"C{n}", description=f"Type {n}", default_priority=3) for n in range(3)]
    response = admin_client.post(
        "/admin/incidents/calltype/", {"action": "delete_selected", "_selected_action": [c.pk for c in kept]}
    )
    assert response.status_code == 200  # the confirmation page: nothing deleted, nothing recorded
    assert not AuditEvent.objects.filter(action="admin.delete").exists()
    response = admin_client.post(
        "/admin/incidents/calltype/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [c.pk for c in kept]},
    )
    assert response.status_code == 302
    assert set(AuditEvent.objects.filter(action="admin.delete").values_list("object_ref", flat=True)) == {
        f"incidents.calltype:{c.pk}" for c in kept
    }


def test_custom_bulk_action_records_before_and_after_with_the_key_masked(admin_client: Client, cad_feed: Any) -> None:
    feed, key = cad_feed
    response = admin_client.post("/admin/feeds/feed/", {"action": "rotate_key", "_selected_action": [feed.pk]})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.action")
    assert (event.object_ref, event.details["admin_action"]) == (f"feeds.feed:{feed.pk}", "rotate_key")
    before, after = event.details["before"][str(feed.pk)], event.details["after"][str(feed.pk)]
    assert before["key_hash"] == after["key_hash"] == MASK
    assert before["key_rotated_at"] != after["key_rotated_at"]
    feed.refresh_from_db()
    assert feed.key_hash not in str(event.details) and key not in str(event.details)


def test_user_admin_is_audited_and_the_password_is_masked(admin_client: Client, make_user: Any) -> None:
    target = make_user("target", None)
    old_hash = target.password
    response = admin_client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": "An0ther-long-passphrase", "password2": "An0ther-long-passphrase", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:3000]
    event = AuditEvent.objects.get(action="admin.change", object_ref=f"auth.user:{target.pk}")
    assert event.details["before"]["password"] == MASK
    assert event.details["after"]["password"] == MASK
    assert "password" in event.details["changed"]
    target.refresh_from_db()
    text = str(event.details)
    assert old_hash not in text and target.password not in text


def test_group_admin_is_audited(admin_client: Client, admin_user: Any) -> None:
    admin_user.is_superuser = True  # the admin role has no group permissions of its own
    admin_user.save(update_fields=["is_superuser"])
    response = admin_client.post("/admin/auth/group/add/", {"name": "night-watch"})
    assert response.status_code == 302
    group = Group.objects.get(name="night-watch")
    assert AuditEvent.objects.filter(action="admin.add", object_ref=f"auth.group:{group.pk}").exists()
    assert get_user_model().objects.exists()
