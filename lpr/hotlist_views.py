"""Hotlist pages: lists and entries, entry edit with history, AMBER plates waiting for confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import capability_required
from cap.models import CapAlert
from lpr.amber import is_amber, plate_candidates
from lpr.models import Hotlist, HotlistEntry
from lpr.services import hotlists as services
from rtcc.errors import ApplicationError

AMBER_CAP_LIMIT = 20


class EntryForm(forms.Form):
    plate = forms.CharField(max_length=16)
    state = forms.CharField(max_length=2, required=False, help_text="Two letters, empty if unknown.")
    reason = forms.CharField(max_length=200)
    case_number = forms.CharField(max_length=40, required=False)
    ncic_number = forms.CharField(max_length=20, required=False, label="NCIC number")
    vehicle_description = forms.CharField(max_length=200, required=False)
    effective_from = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    expires_at = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EntryEditForm(EntryForm):
    active = forms.BooleanField(required=False, help_text="Untick to stop matching this plate.")


def _form_data(form: forms.Form) -> dict[str, Any]:
    return {key: value for key, value in form.cleaned_data.items() if not (value in ("", None) and key == "notes")}


@capability_required("lpr.hotlists.manage")
def hotlists_page(request: HttpRequest) -> HttpResponse:
    """Every hotlist; the chosen one's entries with an add form; AMBER alerts whose plate awaits confirmation."""
    hotlists = list(
        Hotlist.objects.annotate(active_entries=Count("entries", filter=Q(entries__active=True))).order_by(
            "priority", "name"
        )
    )
    chosen = next((h for h in hotlists if str(h.pk) == request.GET.get("list", "")), hotlists[0] if hotlists else None)
    form = EntryForm(request.POST or None)
    message = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") == "amber":
        try:
            entry, hits = services.amber_entry_from_cap(
                user=request.user,  # type: ignore[arg-type]
                cap_alert_id=int(request.POST.get("cap_alert", "0") or 0),
                plate=request.POST.get("plate", ""),
                state=request.POST.get("state", ""),
            )
            return redirect(f"{request.path}?list={entry.hotlist_id}&added={entry.pk}&hits={len(hits)}")
        except ApplicationError as exc:
            message, status, form = exc.message, 400, EntryForm()
    elif request.method == "POST" and chosen is not None:
        if form.is_valid():
            try:
                entry, hits = services.entry_create(
                    user=request.user,  # type: ignore[arg-type]
                    hotlist_id=chosen.pk,
                    data=_form_data(form),
                )
                return redirect(f"{request.path}?list={chosen.pk}&added={entry.pk}&hits={len(hits)}")
            except ApplicationError as exc:
                field, _, text = exc.message.partition(": ")
                form.add_error(field if field in form.fields else None, text or exc.message)
        status = 400
    entries = (
        HotlistEntry.objects.filter(hotlist=chosen).select_related("entered_by").order_by("-active", "plate")[:500]
        if chosen
        else []
    )
    context = {
        "hotlists": hotlists,
        "chosen": chosen,
        "entries": entries,
        "form": form,
        "message": message,
        "added": request.GET.get("added"),
        "added_hits": request.GET.get("hits"),
        "amber": _amber_waiting(),
    }
    return render(request, "lpr/hotlists.html", context, status=status)


def _amber_waiting() -> list[dict[str, Any]]:
    """Active AMBER CAP alerts with the plates found in their text and whether each is already listed."""
    listed = set(HotlistEntry.objects.filter(external_id__startswith="cap:").values_list("external_id", flat=True))
    waiting = []
    for alert in CapAlert.objects.filter(state="active").order_by("-sent")[:200]:
        if not is_amber(alert.infos, alert.headline, alert.event):
            continue
        candidates = [
            {"plate": c.plate, "state": c.state, "context": c.context, "listed": f"cap:{alert.pk}:{c.plate}" in listed}
            for c in plate_candidates(alert.infos)
        ]
        waiting.append({"alert": alert, "candidates": candidates})
        if len(waiting) >= AMBER_CAP_LIMIT:
            break
    return waiting


@capability_required("lpr.hotlists.manage")
def entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Edit one entry; its history shows who changed what and when."""
    entry = HotlistEntry.objects.select_related("hotlist", "entered_by").filter(pk=entry_id).first()
    if entry is None:
        return render(request, "error.html", {"message": "No such hotlist entry."}, status=404)
    initial = {name: getattr(entry, name) for name in EntryEditForm.base_fields}
    initial["plate"] = entry.plate_raw or entry.plate
    form = EntryEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.entry_update(user=request.user, entry_id=entry.pk, data=form.cleaned_data)  # type: ignore[arg-type]
                return redirect("lpr-hotlist-entry", entry_id=entry.pk)
            except ApplicationError as exc:
                field, _, text = exc.message.partition(": ")
                form.add_error(field if field in form.fields else None, text or exc.message)
        status = 400
    history = entry.changes.select_related("changed_by").order_by("-changed_at", "-id")
    return render(request, "lpr/hotlist_entry.html", {"entry": entry, "form": form, "history": history}, status=status)
