"""Keep the role groups equal to accounts.roles after every migrate (reference data, not business logic)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions


def sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # Run once, after the last app of the project has migrated and has its permissions.
    if sender.name != "analytics":
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    from accounts.services import role_groups_sync

    role_groups_sync()
