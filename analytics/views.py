from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from analytics.selectors import FIGURES_CACHE_SECONDS, transparency_figures, transparency_policy


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Public (no login), cacheable: counts about the LPR and camera programmes and the agency's policy."""
    figures = transparency_figures()
    policy = transparency_policy()
    # Rendered without the request: no user, session or CSRF token reaches the page, so one copy
    # serves everybody (shared caches included).
    html = render_to_string(
        "analytics/transparency.html",
        {"figures": figures, "policy": policy, "agency": settings.RTCC_AGENCY_NAME},
    )
    etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    modified = max(figures.as_of, policy.updated_at) if policy.updated_at else figures.as_of
    last_modified = int(modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified) or HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=FIGURES_CACHE_SECONDS)
    return response
