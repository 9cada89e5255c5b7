from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.roles import CAPABILITIES, has_capability, roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    """Expose the user's roles and capabilities to templates (for navigation only, never for access)."""
    user = request.user
    capabilities = {name for name in CAPABILITIES if has_capability(user, name)}
    if settings.RTCC_MFA_REQUIRED and user.is_authenticated and not getattr(user, "is_verified", lambda: True)():
        # Half signed in (password only): no navigation to pages the MFA gate would refuse anyway.
        capabilities = set()
    # Dots become underscores so templates can write {% if can.lpr_search %}.
    return {
        "user_roles": sorted(roles_of(user)),
        "can": {name.replace(".", "_"): True for name in capabilities},
    }
