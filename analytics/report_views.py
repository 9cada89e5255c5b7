"""Pages of the reports: shift reports (list, one report, printable) and the monthly PDF download."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import capability_required
from analytics import shift_reports
from analytics.monthly_report import monthly_report_export, parse_month
from rtcc.errors import ApplicationError, render_application_error

PAGE_ROWS = 50


@capability_required("metrics.read")
@require_safe
def shift_report_list(request: HttpRequest) -> HttpResponse:
    """Every written shift report, newest first, and the monthly report form."""
    paginator = Paginator(shift_reports.shift_report_list(), PAGE_ROWS)
    page = paginator.get_page(request.GET.get("page"))
    default_month = parse_month(None)
    return render(
        request,
        "analytics/shift_report_list.html",
        {"page": page, "reports": page.object_list, "default_month": f"{default_month:%Y-%m}"},
    )


@capability_required("metrics.read")
@require_safe
def shift_report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = shift_reports.shift_report_get(report_id=report_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    return render(
        request,
        "analytics/shift_report_detail.html",
        {"report": report, "c": shift_reports.content_for_display(report.content), "agency": settings.RTCC_AGENCY_NAME},
    )


@capability_required("metrics.read")
@require_safe
def monthly_report(request: HttpRequest) -> HttpResponse:
    """?month=YYYY-MM (default: the last full month) as a PDF attachment; the download is audited."""
    try:
        month = parse_month(request.GET.get("month"))
        content = monthly_report_export(actor=request.user, month=month)  # type: ignore[arg-type]
    except ApplicationError as exc:
        return render_application_error(request, exc)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rtcc-monthly-report-{month:%Y-%m}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
