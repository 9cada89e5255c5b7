"""The alert desk page for supervisors: every analyst's alert load and every mute ever set."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import capability_required
from alerts import selectors

MUTE_ROWS = 200


@capability_required("alerts.oversight")
def alert_desk(request: HttpRequest) -> HttpResponse:
    """Alerts per hour of each analyst on duty (ISA-18.2 threshold) and the mute log, newest first."""
    now = timezone.now()
    workload = sorted(selectors.workload_visible_to(user=request.user, now=now), key=lambda row: -row["per_hour"])
    mutes = list(selectors.mute_history()[:MUTE_ROWS])
    for mute in mutes:
        mute.state = "ended" if mute.ended_at else ("active" if mute.expires_at > now else "expired")  # type: ignore[attr-defined]
    return render(
        request,
        "alerts/desk.html",
        {
            "workload": workload,
            "threshold": selectors.overload_threshold(),
            "mutes": mutes,
            "mute_rows": MUTE_ROWS,
            "now": now,
        },
    )
