"""Writes for accounts: role groups and demo users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction

from accounts.roles import GROUP_PERMISSIONS, Role


def role_groups_sync() -> list[Group]:
    """Create the role groups and set exactly the permissions declared in accounts.roles."""
    groups = []
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        perms = []
        for dotted in GROUP_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
        groups.append(group)
    return groups


def user_ensure_with_role(*, username: str, password: str, role: Role, email: str = "") -> AbstractUser:
    """Create or reset a user holding exactly one role (used by the demo and by tests)."""
    with transaction.atomic():
        role_groups_sync()
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
        user.set_password(password)
        user.is_active = True
        user.is_staff = role == Role.ADMIN
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
    return user
