from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # The admin has imported every app's admin module by now (its ready() runs first).
        from django.contrib import admin

        from audit.admin import audit_admin_site

        audit_admin_site(admin.site)
