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
        user.save()
        user_role_set(user=user, role=role)
    return user


def user_role_set(*, user: AbstractUser, role: Role) -> AbstractUser:
    """Make `role` the user's only role; admins also get Django's staff flag for the admin site."""
    with transaction.atomic():
        role_groups_sync()
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
        user.groups.set([Group.objects.get(name=role.value)])
    user.__dict__.pop("_rtcc_roles", None)  # drop the per-request cache of accounts.roles.roles_of
    return user
