"""Pages: the list of operations with a create form, and one operation's workspace."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.permissions import capability_required
from accounts.roles import has_capability
from operations import selectors, services
from operations.choices import LogKind
from operations.forms import OperationForm, codes
from rtcc.errors import InvalidInput, NotFound, PermissionDenied, render_application_error
from rtcc.selectors import latest_seq


@capability_required("operations.read")
def operation_list(request: HttpRequest) -> HttpResponse:
    """Operations, newest first; supervisors create one from beat/district codes or pasted GeoJSON."""
    may_manage = has_capability(request.user, "operations.manage")
    form = OperationForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST":
        if not may_manage:
            return render_application_error(request, PermissionDenied())
        if form.is_valid():
            data = form.cleaned_data
            try:
                area, label = services.resolve_area(
                    area_geojson=data["area_geojson"],
                    beat_codes=codes(data["beat_codes"]),
                    district_codes=codes(data["district_codes"]),
                )
                operation = services.operation_create(
                    actor=request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    description=data["description"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    area=area,
                    area_source=label,
                )
            except InvalidInput as exc:
                error = exc.message
            else:
                return redirect("operation-workspace", operation_id=operation.pk)
    operations = selectors.operation_list_visible_to(user=request.user)[:200]
    return render(
        request,
        "operations/list.html",
        {"operations": operations, "form": form, "may_manage": may_manage, "error": error},
        status=400 if error or (request.method == "POST" and form.errors) else 200,
    )


@capability_required("operations.read")
def operation_workspace(request: HttpRequest, operation_id: int) -> HttpResponse:
    """One operation: its area and the incidents inside on a map, and its log (live)."""
    try:
        operation = selectors.operation_get_for_user(user=request.user, operation_id=operation_id)
    except NotFound as exc:
        return render_application_error(request, exc)
    config = {
        "operationId": operation.pk,
        "operationUrl": reverse("api-operation-detail", args=[operation.pk]),
        "incidentsUrl": reverse("api-operation-incidents", args=[operation.pk]),
        "logUrl": reverse("api-operation-log", args=[operation.pk]),
        "eventsUrl": reverse("api-event-list"),
        "socketPath": "/ws/ops/",
        "latestSeq": latest_seq(),
        "heartbeatSeconds": settings.RTCC_WS_HEARTBEAT_SECONDS,
        "center": settings.RTCC_MAP_CENTER,
        "mayLog": has_capability(request.user, "operations.log"),
        "kinds": [{"value": k.value, "label": k.label} for k in LogKind],
    }
    return render(request, "operations/workspace.html", {"operation": operation, "workspace_config": config})
