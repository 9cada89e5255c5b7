"""Camera pages: the public self-registration form and the admin's review queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import capability_required
from audit.services import audit_record
from cameras import selectors, services
from cameras.forms import RegistrationForm
from cameras.ratelimit import client_ip, registration_attempt_allowed
from rtcc.errors import InvalidInput

# The reference of the visitor's last submission; kept in their session, never in a URL.
SESSION_REFERENCE = "camera_registration_reference"
# The review page shows the oldest registrations first, this many at a time.
REVIEW_PAGE_SIZE = 100


def _map_config() -> dict[str, Any]:
    return {
        "center": settings.RTCC_MAP_CENTER,
        "zoom": settings.RTCC_MAP_ZOOM,
        "tileUrl": settings.RTCC_TILE_URL,
        "tileAttribution": settings.RTCC_TILE_ATTRIBUTION,
        "serviceArea": settings.RTCC_SERVICE_AREA,
    }


def _refused(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    response = render(request, "cameras/register_refused.html", {"title": title, "message": message}, status=status)
    if status == 429:
        response["Retry-After"] = "3600"
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Public (no login): a camera owner registers a camera; it waits as pending for an admin's review."""
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        if not registration_attempt_allowed(ip):
            return _refused(
                request,
                status=429,
                title="Too many submissions",
                message="Too many registrations came from your network in the last hour. Please try again later.",
            )
        if request.POST.get("website"):
            # The honeypot was filled: say as little as possible about why.
            return _refused(request, status=400, title="Submission rejected", message="Your submission was rejected.")
        if form.is_valid():
            try:
                camera = services.camera_submit_community(data=form.record, client_ip=ip)
            except InvalidInput as exc:
                form.add_error(None, exc.message)
            else:
                request.session[SESSION_REFERENCE] = camera.reference
                return redirect("camera-register-thanks")
    context = {"form": form, "map_config": _map_config()}
    return render(request, "cameras/register.html", context, status=400 if form.is_bound else 200)


@require_safe
def register_thanks(request: HttpRequest) -> HttpResponse:
    """Public: the reference of the visitor's own submission (from their session) and what happens next."""
    return render(request, "cameras/register_thanks.html", {"reference": request.session.get(SESSION_REFERENCE)})


@capability_required("cameras.manage")
@ensure_csrf_cookie
def review_queue(request: HttpRequest) -> HttpResponse:
    """Pending community registrations, oldest first: place, turn, approve or reject each one."""
    queue = selectors.camera_review_queue(user=request.user)
    total = queue.count()
    cameras = list(queue[:REVIEW_PAGE_SIZE])
    if cameras:
        # The page shows owners' contact details; like the API, every such read is on the record.
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="camera.contacts.review",
            object_ref=",".join(f"camera:{c.pk}" for c in cameras[:50]),
            details={"count": len(cameras)},
        )
    config = {
        **_map_config(),
        "approveUrl": reverse("api-camera-approve", args=[0]).replace("/0/", "/{id}/"),
        "rejectUrl": reverse("api-camera-reject", args=[0]).replace("/0/", "/{id}/"),
        "opsMapUrl": reverse("ops-map"),
        "cameras": [
            {
                "id": c.pk,
                "reference": c.reference,
                "lat": c.location.y,
                "lon": c.location.x,
                "heading": c.heading,
                "fov": c.fov,
                "range_m": c.range_m,
            }
            for c in cameras
        ],
    }
    context = {"cameras": cameras, "total": total, "review_config": config}
    return render(request, "cameras/review.html", context)
