"""Auditor pages: the trail with filters, one event, CSV export, anomaly flags and their review.

Reading these pages is not itself audited row by row (that would audit the audit); exports and
flag reviews are.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import CapabilityActionView, capability_required
from accounts.roles import has_capability
from audit import selectors
from audit.anomalies import flag_review
from audit.choices import FlagKind, FlagStatus
from audit.export import events_export
from audit.filters import AuditEventFilter
from rtcc.errors import ApplicationError, render_application_error

PAGE_ROWS = 50
EVIDENCE_ROWS = 50


def _filtered(request: HttpRequest) -> AuditEventFilter:
    return AuditEventFilter(request.GET or None, queryset=selectors.event_list_visible_to(user=request.user))


def _usable(filters: AuditEventFilter) -> bool:
    return not filters.is_bound or filters.is_valid()


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@capability_required("audit.read")
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """The trail, newest first, 50 rows a page; no total count (the trail may hold millions of rows)."""
    filters = _filtered(request)
    page = _page_number(request)
    events: list[Any] = []
    if _usable(filters):
        offset = (page - 1) * PAGE_ROWS
        events = list(filters.qs[offset : offset + PAGE_ROWS + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "events": events[:PAGE_ROWS],
        "actions": selectors.event_actions_present(),
        "page": page,
        "has_next": len(events) > PAGE_ROWS,
        "query": query.urlencode(),
        "can_export": has_capability(request.user, "audit.export"),
        "retention_days": settings.RTCC_AUDIT_RETENTION_DAYS,
    }
    return render(request, "audit/events.html", context, status=200 if _usable(filters) else 400)


@capability_required("audit.read")
@require_safe
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    """One event with its chain fields; admin changes show their before/after side by side."""
    try:
        event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    details = event.details if isinstance(event.details, dict) else {}
    before, after = details.get("before"), details.get("after")
    changes = []
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for name in sorted(set(before) | set(after)):
            changes.append(
                {
                    "field": name,
                    "before": before.get(name, ""),
                    "after": after.get(name, ""),
                    "changed": before.get(name) != after.get(name),
                }
            )
    context = {
        "event": event,
        "changes": changes,
        "details_json": json.dumps(details, indent=2, sort_keys=True, ensure_ascii=False),
    }
    return render(request, "audit/event_detail.html", context)


@capability_required("audit.export")
@require_safe
def event_export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV (every row, newest first); the export is recorded in the trail first."""
    filters = _filtered(request)
    if not _usable(filters):
        return render(request, "error.html", {"message": "Check the filters: " + _errors(filters)}, status=400)
    try:
        chunks = events_export(actor=request.user, events=filters.qs, filters=filters.active())  # type: ignore[arg-type]
    except ApplicationError as exc:
        return render_application_error(request, exc)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]


def _errors(filters: AuditEventFilter) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in filters.errors.items())


@capability_required("audit.anomalies")
@require_safe
def anomaly_list(request: HttpRequest) -> HttpResponse:
    """Anomaly flags (open first) with the audit rows that raised them."""
    status = request.GET.get("status", FlagStatus.OPEN)
    flags = list(selectors.flag_list_visible_to(user=request.user, status=status)[:200])
    items = [{"flag": flag, "evidence": selectors.flag_evidence(flag=flag)[:EVIDENCE_ROWS]} for flag in flags]
    context = {
        "items": items,
        "status": status if status in FlagStatus.values else "all",
        "statuses": [(FlagStatus.OPEN, "Open"), (FlagStatus.REVIEWED, "Reviewed"), ("all", "All")],
        "kinds": FlagKind.choices,
        "settings": {
            "repeat": settings.RTCC_AUDIT_REPEAT_PLATE_SEARCHES,
            "floor": settings.RTCC_AUDIT_DAILY_SEARCH_FLOOR,
        },
        "evidence_rows": EVIDENCE_ROWS,
    }
    return render(request, "audit/anomalies.html", context)


class AnomalyReviewView(CapabilityActionView):
    """Mark a flag reviewed with a note (audited); POST only."""

    capability = "audit.anomalies"

    def post(self, request: HttpRequest, flag_id: int) -> HttpResponse:
        try:
            flag_review(actor=request.user, flag_id=flag_id, note=request.POST.get("note", ""))  # type: ignore[arg-type]
        except ApplicationError as exc:
            return render_application_error(request, exc)
        return redirect("audit-anomalies")
