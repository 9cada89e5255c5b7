from __future__ import annotations

from django.http import HttpRequest

from accounts.roles import CAPABILITIES, has_capability, roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose the user's roles and capabilities to templates (for navigation only, never for access)."""
    capabilities = {name for name in CAPABILITIES if has_capability(request.user, name)}
    # Dots become underscores so templates can write {% if can.lpr_search %}.
    return {
        "user_roles": sorted(roles_of(request.user)),
        "can": {name.replace(".", "_"): True for name in capabilities},
    }
