from __future__ import annotations

from django.http import HttpRequest

from accounts.roles import roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose the user's role names to templates (for navigation only, never for access)."""
    return {"user_roles": sorted(roles_of(request.user))}
