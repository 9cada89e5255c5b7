from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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


class SchemaDocs(SpectacularSwaggerView):
    capability = "api.schema"
    permission_classes = [HasCapability]


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the Django admin).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("accounts/", include("accounts.urls")),
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
]
