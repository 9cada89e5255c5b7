"""Keep the role groups equal to accounts.roles after every migrate (reference data, not business logic)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions


def sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate is sent once per app that has models: act on the last one, when every
    # app's permissions can exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.name != with_models[-1].name:
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    from accounts.services import role_groups_sync

    role_groups_sync()
