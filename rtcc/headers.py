"""Response headers Django has no setting for (Permissions-Policy)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Browser features no page needs (camera, microphone, payment…) are switched off."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response.headers.setdefault("Permissions-Policy", settings.RTCC_PERMISSIONS_POLICY)
        return response
