"""Pages: the case list with a "New case" form, one case (links, log timeline, review), the review queue.

Every action on a case page is a POST to the page itself with an `action` field; errors are shown
on the page with the status the API would give (400, 403, 409).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import capability_required
from accounts.roles import has_capability
from cases import selectors, services
from cases.choices import USER_LOG_KINDS, CaseStatus
from cases.forms import CaseForm, LogEntryForm
from evidence.selectors import evidence_list_for_case, may_read_evidence
from rtcc.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied, render_application_error


@capability_required("cases.read")
def case_list(request: HttpRequest) -> HttpResponse:
    """My cases and all open cases; "New case" for analysts and supervisors."""
    may_write = has_capability(request.user, "cases.write")
    form = CaseForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if not may_write:
            return render_application_error(request, PermissionDenied())
        if form.is_valid():
            try:
                case = services.case_open(
                    actor=request.user,  # type: ignore[arg-type]
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                )
            except ApplicationError as exc:
                error, status = exc.message, exc.status_code
            else:
                return redirect("case-detail", case_id=case.pk)
        else:
            status = 400
    context = {
        "mine": selectors.case_list_filtered(user=request.user, mine=True)[:100],
        "open_cases": selectors.case_list_filtered(user=request.user, status=CaseStatus.OPEN)[:100],
        "form": form,
        "may_write": may_write,
        "error": error,
    }
    return render(request, "cases/list.html", context, status=status)


def _act(request: HttpRequest, case_id: int) -> None:
    action = request.POST.get("action", "")
    actor = request.user
    if action == "log":
        form = LogEntryForm(request.POST)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise InvalidInput(f"{field}: {' '.join(str(e) for e in errors)}")
        data = form.cleaned_data
        services.log_append(
            actor=actor,  # type: ignore[arg-type]
            case_id=case_id,
            kind=data["kind"],
            text=data["text"],
            action_at=data["action_at"],
            corrects_id=data["corrects_id"],
        )
    elif action == "submit":
        services.case_submit(actor=actor, case_id=case_id)  # type: ignore[arg-type]
    elif action == "approve":
        services.case_approve(actor=actor, case_id=case_id)  # type: ignore[arg-type]
    elif action == "return":
        services.case_return(actor=actor, case_id=case_id, comment=request.POST.get("comment", ""))  # type: ignore[arg-type]
    elif action == "close":
        services.case_close(actor=actor, case_id=case_id)  # type: ignore[arg-type]
    else:
        raise InvalidInput("action: unknown action")


@capability_required("cases.read")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: summary, links, the log as a timeline (action vs recorded time), actions by role and state."""
    try:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    except NotFound as exc:
        return render_application_error(request, exc)
    error, status = "", 200
    if request.method == "POST":
        try:
            _act(request, case.pk)
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
            case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        else:
            return redirect("case-detail", case_id=case.pk)
    corrects = request.GET.get("corrects", "")
    form = LogEntryForm(
        request.POST if error and request.POST.get("action") == "log" else None,
        initial={"kind": "correction", "corrects_id": corrects} if corrects.isdigit() else {"kind": "note"},
    )
    may_write = has_capability(request.user, "cases.write")
    may_review = has_capability(request.user, "cases.review")
    context = {
        "case": case,
        "links": selectors.case_links(case=case),
        "log": selectors.case_log(case=case),
        "form": form,
        "correcting": int(corrects) if corrects.isdigit() else None,
        "may_write": may_write,
        "may_submit": may_write and case.status == CaseStatus.OPEN,
        "may_review": may_review and case.status == CaseStatus.PENDING_REVIEW,
        "may_close": may_write and case.status == CaseStatus.APPROVED,
        "correctable": [kind.value for kind in USER_LOG_KINDS],
        "locked": case.status in (CaseStatus.APPROVED, CaseStatus.CLOSED),
        "error": error,
        # Evidence and the court packet, for those who may read evidence.
        "may_evidence": may_read_evidence(request.user),
        "may_upload": has_capability(request.user, "evidence.write"),
        "evidence": evidence_list_for_case(user=request.user, case_id=case.pk)
        if may_read_evidence(request.user)
        else [],
    }
    return render(request, "cases/detail.html", context, status=status)


@capability_required("cases.review")
def review_queue(request: HttpRequest) -> HttpResponse:
    """Cases pending review, oldest submission first (supervisors)."""
    return render(request, "cases/review.html", {"cases": selectors.review_queue(user=request.user)[:200]})
