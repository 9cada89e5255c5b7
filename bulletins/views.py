"""Pages: the bulletin list, one bulletin (actions by role, versions, dissemination log), create/edit form."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from accounts.permissions import capability_required
from accounts.roles import has_capability
from bulletins import selectors, services
from bulletins.api.inputs import content_changes
from bulletins.api.views import pdf_response
from bulletins.choices import BANNERS, BulletinKind, BulletinStatus
from bulletins.forms import BulletinForm, DisseminateForm
from bulletins.models import Bulletin
from bulletins.pdf import SUBJECT_LABELS, VEHICLE_LABELS
from rtcc.errors import ApplicationError, Conflict, render_application_error


@capability_required("bulletins.read")
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """Bulletins, most recently changed first."""
    bulletins = selectors.bulletin_list_visible_to(user=request.user)[:200]
    return render(
        request,
        "bulletins/list.html",
        {"bulletins": bulletins, "may_write": has_capability(request.user, "bulletins.write")},
    )


def _save(request: HttpRequest, form: BulletinForm, bulletin: Bulletin | None) -> Bulletin:
    data = form.cleaned_data
    changes = content_changes({k: v for k, v in data.items() if k != "photo"})
    if data.get("photo"):
        services.photo_check(data["photo"])  # before anything is written: no half-saved bulletin
    if bulletin is None:
        bulletin = services.bulletin_create(actor=request.user, **changes)  # type: ignore[arg-type]
    else:
        if set(form.changed_data) - {"photo"}:
            bulletin = services.bulletin_update(actor=request.user, bulletin_id=bulletin.pk, changes=changes)  # type: ignore[arg-type]
    if data.get("photo"):
        services.photo_add(actor=request.user, bulletin_id=bulletin.pk, upload=data["photo"])  # type: ignore[arg-type]
    return bulletin


def _edit(request: HttpRequest, bulletin: Bulletin | None) -> HttpResponse:
    initial = BulletinForm.initial_for(bulletin) if bulletin else {"expires_at": ""}
    form = BulletinForm(request.POST or None, request.FILES or None, initial=initial)
    error = ""
    if bulletin is not None and bulletin.status in (BulletinStatus.EXPIRED, BulletinStatus.WITHDRAWN):
        error = Conflict(
            f"status: the bulletin is {bulletin.get_status_display().lower()} and can no longer be changed"
        ).message
    elif request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, form, bulletin)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("bulletin-detail", bulletin_id=saved.pk)
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    context = {"form": form, "bulletin": bulletin, "error": error}
    return render(request, "bulletins/form.html", context, status=status)


@capability_required("bulletins.write")
def bulletin_new(request: HttpRequest) -> HttpResponse:
    """Create a draft."""
    return _edit(request, None)


@capability_required("bulletins.write")
def bulletin_edit(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """Edit: a new version; an approved bulletin goes back to draft and needs approval again."""
    try:
        bulletin = selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    return _edit(request, bulletin)


def _labelled(blocks: list[dict[str, str]], labels: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Blocks as (label, value) pairs in a fixed order (jsonb does not keep key order)."""
    return [[(label, block[key]) for key, label in labels if block.get(key)] for block in blocks]


@capability_required("bulletins.read")
def bulletin_detail(request: HttpRequest, bulletin_id: int, *, error: str = "", status: int = 200) -> HttpResponse:
    """One bulletin: content, actions according to role, versions and the dissemination log."""
    try:
        bulletin = selectors.bulletin_get_for_user(user=request.user, bulletin_id=bulletin_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    user = request.user
    may_write = has_capability(user, "bulletins.write")
    open_ = bulletin.status not in (BulletinStatus.EXPIRED, BulletinStatus.WITHDRAWN)
    actions = {
        "edit": may_write and open_,
        "submit": may_write and bulletin.status == BulletinStatus.DRAFT,
        "approve": has_capability(user, "bulletins.approve") and bulletin.status == BulletinStatus.PENDING_APPROVAL,
        "disseminate": may_write and bulletin.is_approved,
        "withdraw": open_
        and (has_capability(user, "bulletins.approve") or (may_write and bulletin.created_by_id == user.pk)),
    }
    context = {
        "bulletin": bulletin,
        "banner": BANNERS.get(BulletinKind(bulletin.kind), bulletin.kind.upper()),
        "subject_blocks": _labelled(bulletin.subjects, SUBJECT_LABELS),
        "vehicle_blocks": _labelled(bulletin.vehicles, VEHICLE_LABELS),
        "photos": list(bulletin.photos.all()),
        "versions": selectors.bulletin_versions(bulletin=bulletin),
        "disseminations": selectors.bulletin_disseminations(bulletin=bulletin),
        "actions": actions,
        "disseminate_form": DisseminateForm(),
        "error": error,
        "expired": bulletin.expires_at <= timezone.now(),
    }
    return render(request, "bulletins/detail.html", context, status=status)


@method_decorator(capability_required("bulletins.read"), name="dispatch")  # type: ignore[arg-type]
class BulletinActionView(View):
    """POST-only page actions: submit / approve / disseminate / withdraw (the services check role and state)."""

    capability = "bulletins.read"
    action = ""

    def post(self, request: HttpRequest, bulletin_id: int) -> HttpResponse:
        actor = request.user
        try:
            selectors.bulletin_get_for_user(user=actor, bulletin_id=bulletin_id)
            if self.action == "submit":
                services.bulletin_submit(actor=actor, bulletin_id=bulletin_id)  # type: ignore[arg-type]
            elif self.action == "approve":
                services.bulletin_approve(actor=actor, bulletin_id=bulletin_id)  # type: ignore[arg-type]
            elif self.action == "withdraw":
                services.bulletin_withdraw(actor=actor, bulletin_id=bulletin_id)  # type: ignore[arg-type]
            else:
                services.bulletin_disseminate(
                    actor=actor,  # type: ignore[arg-type]
                    bulletin_id=bulletin_id,
                    recipients=request.POST.get("recipients", ""),
                    channel=request.POST.get("channel", ""),
                )
        except ApplicationError as exc:
            return bulletin_detail(request, bulletin_id, error=exc.message, status=exc.status_code)
        return redirect("bulletin-detail", bulletin_id=bulletin_id)


@capability_required("bulletins.read")
def bulletin_pdf_download(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """The PDF from the page (same as the API: audited export)."""
    try:
        return pdf_response(request, bulletin_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
