"""Reads of the bulletins app: always start from what the actor may see."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.roles import has_capability
from bulletins.models import Bulletin, BulletinVersion, Dissemination
from rtcc.errors import NotFound


def bulletin_list_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Bulletin]:
    if not has_capability(user, "bulletins.read"):
        return Bulletin.objects.none()
    return Bulletin.objects.select_related("created_by", "approved_by", "case").order_by("-updated_at", "-id")


def bulletin_get_for_user(*, user: AbstractBaseUser | AnonymousUser, bulletin_id: int) -> Bulletin:
    bulletin = bulletin_list_visible_to(user=user).filter(pk=bulletin_id).first()
    if bulletin is None:
        raise NotFound(f"No bulletin {bulletin_id}.")
    return bulletin


def bulletin_versions(*, bulletin: Bulletin) -> QuerySet[BulletinVersion]:
    return BulletinVersion.objects.filter(bulletin=bulletin).select_related("created_by").order_by("number")


def bulletin_disseminations(*, bulletin: Bulletin) -> QuerySet[Dissemination]:
    return Dissemination.objects.filter(bulletin=bulletin).select_related("by").order_by("at", "id")
