from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import has_capability
from shots.models import ShotsFired


def shots_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[ShotsFired]:
    """Detections the user may read (every staff role)."""
    if not has_capability(user, "shots.read"):
        return ShotsFired.objects.none()
    return ShotsFired.objects.all()
