"""LPR search page (purpose and case number required, audited) and the purge ledger page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import capability_required
from lpr import retention, search
from lpr.search_purposes import purpose_label
from rtcc.errors import InvalidInput

# The purge ledger page shows the latest runs; the API pages through all of them.
LEDGER_PAGE_ROWS = 200
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class SearchForm(forms.Form):
    """Types only: every rule (purpose and case number required, pattern, window, area) is the selector's,
    so the page and the API refuse the same searches with the same messages."""

    purpose = forms.CharField(required=False, label="Purpose", widget=forms.Select)
    case_number = forms.CharField(
        required=False, max_length=200, label="Case or CAD number", help_text="Recorded with the search."
    )
    plate = forms.CharField(
        required=False,
        max_length=32,
        label="Plate",
        help_text="Exact (ABC1234) or partial: ? one unknown character, * any run (AB?12*).",
    )
    state = forms.CharField(required=False, max_length=8, label="State")
    since = forms.DateTimeField(
        required=False,
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=f"Default: {search.DEFAULT_WINDOW_DAYS} days before “to”; at most {search.MAX_WINDOW_DAYS} days.",
    )
    until = forms.DateTimeField(
        required=False,
        label="To",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text="Default: now.",
    )
    reader = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Reader")
    area = forms.ChoiceField(
        required=False,
        label="Area",
        choices=[("", "Anywhere"), ("radius", "Radius around a point"), ("polygon", "Polygon")],
        widget=forms.RadioSelect,
    )
    lat = forms.FloatField(required=False, label="Latitude")
    lon = forms.FloatField(required=False, label="Longitude")
    radius_m = forms.FloatField(required=False, label="Radius (m)", min_value=0)
    polygon = forms.CharField(
        required=False,
        label="Polygon (GeoJSON or WKT)",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    limit = forms.IntegerField(required=False, label="Show at most", min_value=1, max_value=search.MAX_LIMIT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        purpose: Any = self.fields["purpose"]
        purpose.widget.choices = [("", "— choose why —"), *search.search_purposes()]
        reader: Any = self.fields["reader"]
        reader.choices = [("", "Any reader"), *search.reader_choices()]
        self.fields["limit"].widget.attrs["placeholder"] = str(search.DEFAULT_LIMIT)

    def search_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        area = data.get("area") or ""
        return {
            "plate_pattern": data.get("plate") or "",
            "state": data.get("state") or "",
            "since": data.get("since"),
            "until": data.get("until"),
            "reader_id": data.get("reader"),
            "limit": data.get("limit"),
            "lat": data.get("lat") if area == "radius" else None,
            "lon": data.get("lon") if area == "radius" else None,
            "radius_m": data.get("radius_m") if area == "radius" else None,
            "polygon": (data.get("polygon") or "") if area == "polygon" else "",
        }


def _map_config() -> dict[str, Any]:
    return {
        "center": settings.RTCC_MAP_CENTER,
        "zoom": settings.RTCC_MAP_ZOOM,
        "tileUrl": settings.RTCC_TILE_URL,
        "tileAttribution": settings.RTCC_TILE_ATTRIBUTION,
        "serviceArea": settings.RTCC_SERVICE_AREA,
    }


def _export_query(result: search.SearchResult) -> list[tuple[str, str]]:
    """The checked criteria as export parameters (hidden fields of the export form)."""
    criteria = result.criteria.as_json()
    fields = [
        ("purpose", result.criteria.purpose),
        ("case_number", result.criteria.case_number),
        ("plate", criteria["plate_pattern"]),
        ("state", criteria["state"]),
        ("since", criteria["since"]),
        ("until", criteria["until"]),
        ("reader", "" if criteria["reader_id"] is None else str(criteria["reader_id"])),
    ]
    area = criteria["area"]
    if area and area["kind"] == "radius":
        fields += [("lat", str(area["lat"])), ("lon", str(area["lon"])), ("radius_m", str(area["radius_m"]))]
    elif area:
        fields.append(("polygon", result.criteria.polygon.geojson if result.criteria.polygon else ""))
    return [(name, value) for name, value in fields if value]


def _markers(result: search.SearchResult) -> list[dict[str, Any]]:
    return [
        {
            "id": read.pk,
            "lat": read.location.y,
            "lon": read.location.x,
            "plate": read.plate,
            "state": read.state,
            "at": timezone.localtime(read.read_at).strftime("%Y-%m-%d %H:%M:%S"),
            "reader": read.reader.name if read.reader_id is not None and read.reader else "",
        }
        for read in result.reads
        if read.location is not None
    ]


def _show_refusal(form: SearchForm, exc: InvalidInput) -> None:
    """The selector's errors next to the fields they are about (the rest above the form)."""
    details = exc.details if isinstance(exc.details, dict) and exc.details else {"": [exc.message]}
    for field, messages in details.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


@capability_required("lpr.search")
@require_http_methods(["GET", "POST"])
def read_search(request: HttpRequest) -> HttpResponse:
    """Search form and results; a search without purpose or case number is refused and nothing is searched."""
    # A GET may carry ?plate= from the map's search box or the correlation panel: prefilled only;
    # nothing is searched until the analyst adds a purpose and case number and submits.
    prefill = {"plate": request.GET.get("plate", "")[:32], "case_number": request.GET.get("case_number", "")[:200]}
    form = SearchForm(request.POST) if request.method == "POST" else SearchForm(initial=prefill)
    result: search.SearchResult | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = search.reads_search(
                user=request.user,
                purpose=data.get("purpose") or "",
                case_number=data.get("case_number") or "",
                **form.search_params(),
            )
        except InvalidInput as exc:
            _show_refusal(form, exc)
    config: dict[str, Any] = {**_map_config(), "markers": _markers(result) if result else []}
    context = {
        "form": form,
        "result": result,
        "export_query": _export_query(result) if result else [],
        "purpose_label": purpose_label(result.criteria.purpose) if result else "",
        "search_config": config,
        "total_cap": search.TOTAL_CAP,
        "export_max": search.EXPORT_MAX_ROWS,
    }
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "lpr/search.html", context, status=status)


@capability_required("lpr.ledger")
@require_safe
def purge_ledger(request: HttpRequest) -> HttpResponse:
    """Retention purges, newest first, with the policies in force."""
    purges = list(retention.purge_ledger_visible_to(user=request.user)[:LEDGER_PAGE_ROWS])
    context = {
        "purges": purges,
        "read_days": retention.read_retention_days(),
        "hit_days": retention.hit_retention_days(),
        "page_rows": LEDGER_PAGE_ROWS,
    }
    return render(request, "lpr/purges.html", context)
