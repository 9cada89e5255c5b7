"""Page /shifts/: today's shifts, who was on duty, the handover notes; sign on/off and write a note."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.permissions import capability_required
from accounts.roles import has_capability
from rtcc.errors import ApplicationError, PermissionDenied, render_application_error
from shifts import selectors, services
from shifts.hours import banner_minutes, shift_at


def _day(request: HttpRequest) -> date:
    """?date=YYYY-MM-DD, else the date the current shift started on (before 07:00 that is yesterday)."""
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return shift_at(timezone.now()).date


@capability_required("shifts.read")
def shift_log(request: HttpRequest) -> HttpResponse:
    may_write = has_capability(request.user, "shifts.write")
    error = ""
    form = {"text": "", "open_items": "", "watch_items": ""}
    if request.method == "POST":
        if not may_write:
            return render_application_error(request, PermissionDenied())
        action = request.POST.get("action", "")
        try:
            if action == "sign_on":
                services.sign_on(actor=request.user)  # type: ignore[arg-type]
            elif action == "sign_off":
                services.sign_off(actor=request.user)  # type: ignore[arg-type]
            elif action == "handover":
                form = {key: request.POST.get(key, "") for key in form}
                services.handover_append(actor=request.user, **form)  # type: ignore[arg-type]
            else:
                error = "action: unknown"
        except ApplicationError as exc:
            error = exc.message
        if not error:
            return redirect("shift-log")
    day = _day(request)
    summary = selectors.current_summary(user=request.user)  # type: ignore[arg-type]
    context = {
        "day": day,
        "overview": selectors.day_overview(day),
        "current": summary,
        "may_write": may_write,
        "error": error,
        "form": form,
        "banner_minutes": banner_minutes(),
    }
    return render(request, "shifts/log.html", context, status=400 if error else 200)
