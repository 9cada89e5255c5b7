from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_migrate

        from accounts import handlers
        from accounts.signals import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        user_logged_in.connect(handlers.on_logged_in, dispatch_uid="accounts.session_start")
        user_logged_out.connect(handlers.on_logged_out, dispatch_uid="accounts.session_end")
        user_login_failed.connect(handlers.on_login_failed, dispatch_uid="accounts.login_failed")
        user_locked_out.connect(handlers.on_locked_out, dispatch_uid="accounts.lockout")
