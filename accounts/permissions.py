"""Interface-side guards built on the capability map: DRF permission, view decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views import View
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.roles import has_capability


class HasCapability(BasePermission):
    """DRF permission: the view sets `capability = "..."`."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        capability = getattr(view, "capability", None)
        if capability is None:
            return False
        return has_capability(request.user, capability)


def capability_refusal(request: HttpRequest, capability: str) -> HttpResponse | None:
    """The response refusing `request` (anonymous → login page, wrong role → 403 page), or None to go on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_capability(request.user, capability):
        return render(request, "error.html", {"message": "Your role does not give access to this page."}, status=403)
    return None


class CapabilityActionView(View):
    """A POST-only page action guarded by `capability`; the role check comes before the method check."""

    capability: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refusal = capability_refusal(request, self.capability)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


def capability_required(capability: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page-view decorator: anonymous → login page, wrong role → 403 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = capability_refusal(request, capability)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapper.capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator
