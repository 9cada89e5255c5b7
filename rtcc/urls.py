from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.permissions import HasCapability
from accounts.roles import has_capability
from rtcc.views import healthz, home


def _admin_site_allowed(request: HttpRequest) -> bool:
    return has_capability(request.user, "admin.site")


admin.site.has_permission = _admin_site_allowed  # type: ignore[method-assign]
admin.site.site_header = "RTCC Ops administration"
admin.site.site_title = "RTCC Ops admin"


class SchemaApi(SpectacularAPIView):
    capability = "api.schema"
    permission_classes = [HasCapability]


class SchemaDocs(SpectacularSwaggerSplitView):
    """Swagger UI under the strict CSP: its init script is this same URL with `?script` (same capability)."""

    capability = "api.schema"
    permission_classes = [HasCapability]
    template_name = "api_docs.html"  # the package's page has an inline <style>; ours links a file


# Production error pages: templates/400.html, 403.html, 404.html (Django's defaults render them)
# and this handler for 500 (JSON under /api/).
handler500 = "rtcc.errors.server_error"
handler404 = "rtcc.errors.not_found"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the Django admin).
    # Lazy: the hashed name comes from the static manifest, which may not exist at import time.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("accounts/", include("accounts.urls")),
    # One sign-in for everyone: the admin site's own form would skip the MFA step and the throttle.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("rtcc.api.urls")),
    path("api/schema/", SchemaApi.as_view(), name="api-schema"),
    path("api/docs/", SchemaDocs.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("incidents.urls")),
    path("", include("feeds.urls")),
    path("", include("cameras.urls")),
    path("", include("lpr.hotlist_urls")),
    path("", include("lpr.urls")),
    path("", include("areas.urls")),
    path("", include("operations.urls")),
    path("", include("rules.urls")),
    path("", include("alerts.urls")),
    path("", include("cases.urls")),
    path("", include("evidence.urls")),
    path("", include("bulletins.urls")),
    path("", include("shifts.urls")),
    path("", include("audit.urls")),
    path("", include("analytics.urls")),
]
