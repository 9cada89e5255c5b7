"""Dashboard pages, CSV export and drill-down lists: thin views over analytics.exports and analytics.drill.

Every table is rendered the same way from the Table contract: a card with title, definition, an
optional Chart.js chart (data via json_script, drawn by static/analytics/dashboard.js), the rows
(with a drill link where the user may open the records) and a CSV link with the same filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import capability_refusal, capability_required
from analytics.dashboards import Dashboard, dashboards
from analytics.drill import KINDS, PAGE_ROWS, drill_page, drill_params, may_drill, parse_drill
from analytics.exports import dashboard_get, dashboard_tables, export_filename, refreshed_times, table_export, table_get
from analytics.filters import BUCKETS, MetricFilter, agency_zone, parse_filter
from analytics.models import IncidentDaily
from analytics.rollups import INCIDENTS, READS
from analytics.tables import Column, Table
from areas.models import District
from incidents.models import CallType
from rtcc.errors import ApplicationError, InvalidInput, NotFound, render_application_error

# Drill-down needs this and the record kind's own read capability.
DRILL_CAPABILITY = "metrics.drill"
MISSING = "—"
MAX_OPTIONS = 500
ROLLUP_LABELS = {INCIDENTS: "incident counts", READS: "plate-read counts"}


def _metric_filter(request: HttpRequest) -> MetricFilter:
    return parse_filter(request.GET)


def _query(params: dict[str, Any]) -> str:
    return urlencode(params, doseq=True)


def format_cell(value: Any, kind: str) -> str:
    """A cell as shown on the page (the CSV and the API keep the raw value)."""
    if value is None or value == "":
        return MISSING if kind != "text" else ""
    if kind == "int" and isinstance(value, int | float):
        return f"{value:,.0f}"
    if kind == "float" and isinstance(value, int | float):
        return f"{value:,.1f}"
    if kind == "pct" and isinstance(value, int | float):
        return f"{value:.1f}%"
    if kind == "seconds" and isinstance(value, int | float):
        return _duration(float(value))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value, agency_zone()):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(abs(whole), 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if whole < 0 else ""
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"


def _chart(table: Table, columns: dict[str, Column]) -> dict[str, Any] | None:
    if table.chart is None:
        return None
    x_column = columns.get(table.chart.x)
    labels = [format_cell(row.values.get(table.chart.x), x_column.kind if x_column else "text") for row in table.rows]
    datasets = [
        {
            "label": columns[key].label if key in columns else key,
            "kind": columns[key].kind if key in columns else "float",
            "data": [_number(row.values.get(key)) for row in table.rows],
            "axis": "y2" if key in table.chart.secondary else "y",
        }
        for key in table.chart.series
    ]
    return {
        "kind": table.chart.kind,
        "stacked": table.chart.stacked,
        "labels": labels,
        "datasets": datasets,
        **({"log_scale": True} if table.chart.log_scale else {}),
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def table_card(*, table: Table, board: Dashboard, metric_filter: MetricFilter, user: Any) -> dict[str, Any]:
    """What the template needs for one table card."""
    columns = {column.key: column for column in table.columns}
    rows = []
    for row in table.rows:
        link = None
        if row.drill is not None and may_drill(user, row.drill.kind):
            params = drill_params(metric_filter, row.drill.kind, row.drill.filters)
            link = reverse("analytics-drill", kwargs={"kind": row.drill.kind}) + "?" + _query(params)
        cells = [
            {"text": format_cell(row.values.get(c.key), c.kind), "numeric": c.kind not in ("text", "date")}
            for c in table.columns
        ]
        rows.append({"cells": cells, "drill": link})
    csv_url = reverse("analytics-export", kwargs={"key": board.key, "table": table.key})
    return {
        "table": table,
        "rows": rows,
        "has_drill": any(row["drill"] for row in rows),
        "chart": _chart(table, columns),
        "chart_id": f"chart-{table.key}",
        "chart_data_id": f"chart-{table.key}-data",
        "csv_url": f"{csv_url}?{_query(metric_filter.as_params())}",
    }


def _call_type_options() -> list[tuple[str, str]]:
    """The configured call types, and any other effective call type the incident rollup has seen."""
    described = dict(CallType.objects.values_list("code", "description"))
    seen = IncidentDaily.objects.values_list("call_type", flat=True).distinct().order_by("call_type")[:MAX_OPTIONS]
    return sorted({**{code: "" for code in seen}, **described}.items())


def _form_options() -> dict[str, Any]:
    return {
        "districts": list(District.objects.order_by("code").values_list("code", "name")),
        "call_types": _call_type_options(),
        "buckets": [(value, value.capitalize() if value else "Automatic") for value in BUCKETS],
    }


def _render_dashboard(request: HttpRequest, board: Dashboard) -> HttpResponse:
    error = ""
    cards: list[dict[str, Any]] = []
    metric_filter: MetricFilter | None = None
    try:
        metric_filter = _metric_filter(request)
        tables = dashboard_tables(board, metric_filter)
    except InvalidInput as exc:
        error = exc.message
    else:
        cards = [table_card(table=t, board=board, metric_filter=metric_filter, user=request.user) for t in tables]
    shown = metric_filter or MetricFilter.last_days()
    context = {
        "board": board,
        "boards": dashboards(),
        "cards": cards,
        "error": error,
        "form": {
            "start": request.GET.get("start") or shown.start.isoformat(),
            "end": request.GET.get("end") or shown.end.isoformat(),
            "district": request.GET.get("district", ""),
            "call_types": request.GET.getlist("call_type"),
            "bucket": request.GET.get("bucket", ""),
        },
        "options": _form_options(),
        "refreshed": [(ROLLUP_LABELS.get(name, name), at) for name, at in refreshed_times().items()],
        "bucket": shown.bucket,
    }
    return render(request, "analytics/dashboard.html", context, status=400 if error else 200)


@capability_required("metrics.read")
@require_safe
def analytics_home(request: HttpRequest) -> HttpResponse:
    """The first dashboard (rendered here rather than redirected: the query string stays as typed)."""
    return _render_dashboard(request, dashboards()[0])


@capability_required("metrics.read")
@require_safe
def dashboard_page(request: HttpRequest, key: str) -> HttpResponse:
    try:
        board = dashboard_get(key)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return _render_dashboard(request, board)


@capability_required("metrics.read")
@require_safe
def table_csv(request: HttpRequest, key: str, table: str) -> HttpResponse:
    """One table as CSV with the page's filter; the export is recorded in the audit trail first."""
    try:
        board = dashboard_get(key)
        metric_filter = _metric_filter(request)
        found = table_get(board, table, metric_filter)
        chunks = table_export(actor=request.user, board=board, table=found, metric_filter=metric_filter)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(board, found, metric_filter)}"'
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]


def _drill_guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, kind: str) -> HttpResponse:
        refusal = capability_refusal(request, DRILL_CAPABILITY)
        if refusal is not None:
            return refusal
        if kind not in KINDS:
            raise Http404(f"No drill-down for {kind}.")
        refusal = capability_refusal(request, KINDS[kind].capability)
        if refusal is not None:
            return refusal
        return view(request, kind)

    wrapper.capability = DRILL_CAPABILITY  # type: ignore[attr-defined]
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_safe
@_drill_guarded
def drill_list(request: HttpRequest, kind: str) -> HttpResponse:
    """The records behind a metric row, 50 a page, newest first; every page read is audited."""
    try:
        query = parse_drill(kind, request.GET)
        raw = {name: request.GET.getlist(name) if name == "call_type" else request.GET[name] for name in request.GET}
        raw.pop("page", None)
        records, has_next = drill_page(user=request.user, query=query, raw_filters=raw)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "spec": query.kind,
        "query": query,
        "filters": sorted((k, ", ".join(v) if isinstance(v, list) else v) for k, v in raw.items()),
        "table": record_table(kind, records),
        "page_rows": PAGE_ROWS,
        "page": query.page,
        "has_next": has_next,
        "params": params.urlencode(),
        "since": timezone.localtime(query.since, agency_zone()),
        "until": timezone.localtime(query.until, agency_zone()),
    }
    return render(request, "analytics/drill.html", context)


def _local(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value, agency_zone()):%Y-%m-%d %H:%M}" if value else ""


def _user(user: Any) -> str:
    return user.get_username() if user is not None else ""


# Per kind: the columns of the record list (label, value) and the record's detail page, if it has one.
RECORD_COLUMNS: dict[str, list[tuple[str, Callable[[Any], Any]]]] = {
    "incidents": [
        ("Received", lambda i: _local(i.received_at)),
        ("CAD number", lambda i: i.external_id),
        ("Call type", lambda i: i.effective_call_type),
        ("Priority", lambda i: i.priority),
        ("District", lambda i: i.district),
        ("Beat", lambda i: i.beat),
        ("Status", lambda i: i.get_status_display()),
        ("Address", lambda i: i.address),
    ],
    "alerts": [
        ("Raised", lambda a: _local(a.created_at)),
        ("Type", lambda a: a.get_type_display()),
        ("Priority", lambda a: a.priority),
        ("Title", lambda a: a.title),
        ("Status", lambda a: a.get_status_display()),
        ("Disposition", lambda a: a.get_disposition_display()),
        ("Acknowledged by", lambda a: _user(a.acknowledged_by)),
    ],
    "hits": [
        ("Read", lambda h: _local(h.read_at)),
        ("Plate", lambda h: h.plate),
        ("Hotlist", lambda h: h.hotlist.name),
        ("Source", lambda h: h.hotlist.get_source_display()),
        ("Status", lambda h: h.get_status_display()),
        ("Reject reason", lambda h: h.get_reject_reason_display()),
        ("Outcome", lambda h: h.get_outcome_display()),
    ],
    "cases": [
        ("Opened", lambda c: _local(c.created_at)),
        ("Number", lambda c: c.number),
        ("Title", lambda c: c.title),
        ("Status", lambda c: c.get_status_display()),
        ("Outcome", lambda c: c.get_outcome_display()),
        ("Contributions", lambda c: ", ".join(c.contributions)),
        ("Lead", lambda c: _user(c.lead)),
    ],
    "shots": [
        ("Detected", lambda s: _local(s.detected_at)),
        ("Detection", lambda s: s.get_detection_type_display()),
        ("Rounds", lambda s: s.rounds),
        ("District", lambda s: s.district),
        ("Address", lambda s: s.address),
        ("Review", lambda s: s.get_review_status_display()),
    ],
    "cameras": [
        ("Registered", lambda c: _local(c.created_at)),
        ("Reference", lambda c: c.reference),
        ("Name", lambda c: c.name),
        ("Owner type", lambda c: c.get_owner_type_display()),
        ("Tier", lambda c: c.get_tier_display()),
        ("Status", lambda c: c.get_status_display()),
    ],
}
DETAIL_PAGES: dict[str, tuple[str, str]] = {"hits": ("lpr-hit", "hit_id"), "cases": ("case-detail", "case_id")}


def record_table(kind: str, records: list[Any]) -> dict[str, Any]:
    columns = RECORD_COLUMNS[kind]
    detail = DETAIL_PAGES.get(kind)
    rows = [
        {
            "cells": ["" if value is None else str(value) for value in (read(record) for _, read in columns)],
            "url": reverse(detail[0], kwargs={detail[1]: record.pk}) if detail else None,
        }
        for record in records
    ]
    return {"labels": [label for label, _ in columns], "rows": rows, "has_detail": detail is not None}
