"""Pages: one evidence item (metadata, custody log, download, verify, hold) and the upload form of a case."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import capability_required
from accounts.roles import has_capability
from evidence import selectors, services
from evidence.forms import EvidenceUploadForm
from rtcc.errors import ApplicationError, render_application_error


@capability_required("evidence.read")
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """Metadata and chain of custody (this view is recorded); POST verifies or sets/releases a hold."""
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "verify":
                services.evidence_verify(evidence_id=evidence_id, actor=request.user)  # type: ignore[arg-type]
            elif action in ("hold", "release"):
                services.evidence_hold(
                    user=request.user,  # type: ignore[arg-type]
                    evidence_id=evidence_id,
                    hold=action == "hold",
                    reason=request.POST.get("reason", ""),
                )
            else:
                return render_application_error(request, ApplicationError("action: unknown"))
        except ApplicationError as exc:
            if exc.status_code in (403, 404):
                return render_application_error(request, exc)
            error = exc.message
        else:
            return redirect("evidence-detail", evidence_id=evidence_id)
    try:
        evidence = services.evidence_view(user=request.user, evidence_id=evidence_id)  # type: ignore[arg-type]
    except ApplicationError as exc:
        return render_application_error(request, exc)
    context = {
        "evidence": evidence,
        "custody": selectors.custody_log(evidence=evidence),
        "may_hold": has_capability(request.user, "evidence.hold"),
        "error": error,
    }
    return render(request, "evidence/detail.html", context, status=400 if error else 200)


@capability_required("evidence.write")
def evidence_upload_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """Upload a file to a case; errors name the field (e.g. "file: content is …, not …")."""
    try:
        case = selectors.case_get_for_evidence(user=request.user, case_id=case_id)
    except ApplicationError as exc:
        return render_application_error(request, exc)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                evidence = services.evidence_upload(
                    user=request.user,  # type: ignore[arg-type]
                    case_id=case.pk,
                    uploaded_file=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    source=data["source"],
                    source_camera_id=data["source_camera_id"],
                    source_footage_request_id=data["source_footage_request_id"],
                )
            except ApplicationError as exc:
                error, status = exc.message, exc.status_code
            else:
                return redirect("evidence-detail", evidence_id=evidence.pk)
        else:
            status = 400
    return render(request, "evidence/upload.html", {"case": case, "form": form, "error": error}, status=status)
