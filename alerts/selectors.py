from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import has_capability
from alerts.models import Alert
from rtcc.selectors import streams_visible_to


def alert_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Alert]:
    """Alerts on at least one of the streams the user may receive."""
    if not has_capability(user, "alerts.read"):
        return Alert.objects.none()
    return Alert.objects.filter(streams__overlap=streams_visible_to(user=user))
