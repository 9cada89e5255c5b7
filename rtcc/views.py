from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from accounts.roles import has_capability


@require_GET
def home(request: HttpRequest) -> HttpResponseRedirect:
    """Where "/" and a fresh sign-in land: the wall page for wall displays, the audit trail for
    auditors, the ops map for staff."""
    if not request.user.is_authenticated:
        return redirect("login")  # then back here (LOGIN_REDIRECT_URL), to the right screen
    if has_capability(request.user, "ops.wall"):
        return redirect("ops-wall")
    if not has_capability(request.user, "ops.view") and has_capability(request.user, "audit.read"):
        return redirect("audit-events")  # auditors
    return redirect("ops-map")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose healthchecks: no data, no auth needed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
