from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.roles import has_capability


class WriteCapability(BasePermission):
    """With HasCapability (which guards reads by `capability`): writes also need `write_capability`."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return has_capability(request.user, getattr(view, "write_capability", ""))
