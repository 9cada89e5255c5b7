"""Writes for accounts: role groups and demo users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction

from accounts.roles import GROUP_PERMISSIONS, Role


def role_groups_sync() -> list[Group]:
    """Create the role groups and set exactly the permissions declared in accounts.roles."""
    wanted = {dotted for role in Role for dotted in GROUP_PERMISSIONS.get(role, [])}
    by_dotted = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={dotted.split(".", 1)[1] for dotted in wanted}
        )
    }
    missing = sorted(wanted - set(by_dotted))
    if missing:
        raise Permission.DoesNotExist(f"permissions named in accounts.roles do not exist: {missing}")
    groups = []
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([by_dotted[dotted] for dotted in GROUP_PERMISSIONS.get(role, [])])
        groups.append(group)
    return groups


def _role_group(role: Role) -> Group:
    """The role's group; all groups are synced when it is missing (a flushed test database)."""
    group = Group.objects.filter(name=role.value).first()
    if group is None:
        role_groups_sync()
        group = Group.objects.get(name=role.value)
    return group


def user_ensure_with_role(*, username: str, password: str, role: Role, email: str = "") -> AbstractUser:
    """Create or reset a user holding exactly one role (used by the demo and by tests)."""
    with transaction.atomic():
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
        group = _role_group(role)
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
        user.groups.set([group])
    user.__dict__.pop("_rtcc_roles", None)  # drop the per-request cache of accounts.roles.roles_of
    return user


def user_unlock(*, actor: AbstractUser, user: AbstractUser) -> int:
    """Admin: lift a django-axes lockout now (instead of waiting out the cool-off); returns attempts cleared."""
    from axes.utils import reset

    from audit.services import audit_record

    with transaction.atomic(durable=True):
        cleared = reset(username=user.get_username())
        audit_record(
            actor=actor,
            action="auth.unlock",
            object_ref=f"user:{user.pk}",
            details={"user": user.get_username(), "attempts_cleared": cleared},
        )
    return cleared
