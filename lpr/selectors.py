"""Reads for LPR hits and readers, always starting from what the actor may see.

An unverified hit is a lead, not a fact: until a person confirms it, only its hotlist's
distribution (roles, or named users; analysts when the list names nobody) may see it. Rejected
hits stay with that distribution too. Actionable hits are for everyone who reads LPR data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.roles import has_capability, roles_of
from lpr.choices import HitStatus
from lpr.events import DEFAULT_DISTRIBUTION
from lpr.models import Hit, Hotlist, Read, Reader
from lpr.plates import confusable_form
from rtcc.errors import NotFound

User = AbstractBaseUser | AnonymousUser

# Colour words a hotlist entry's vehicle description may use; a read naming another colour is a hint.
COLOURS = frozenset(
    [
        "black",
        "white",
        "silver",
        "grey",
        "gray",
        "red",
        "blue",
        "green",
        "yellow",
        "gold",
        "brown",
        "tan",
        "orange",
        "purple",
        "maroon",
        "beige",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def hotlists_distributed_to(*, user: User) -> QuerySet[Hotlist]:
    """Hotlists whose unverified hits reach this user (by role, by name, or as the default analysts)."""
    if not has_capability(user, "lpr.read"):
        return Hotlist.objects.none()
    roles = sorted(roles_of(user))
    named = Hotlist.distribution_users.through.objects.filter(hotlist_id=OuterRef("pk"), user_id=cast(int, user.pk))
    condition = Q(Exists(named)) | Q(distribution_roles__overlap=roles)
    if set(roles) & set(DEFAULT_DISTRIBUTION):
        condition |= Q(distribution_roles=[])
    return Hotlist.objects.filter(condition)


def hit_list_visible_to(*, user: User) -> QuerySet[Hit]:
    """Actionable hits for everyone with lpr.read; unverified and rejected ones only for their distribution."""
    if not has_capability(user, "lpr.read"):
        return Hit.objects.none()
    return Hit.objects.filter(
        Q(status=HitStatus.ACTIONABLE) | Q(hotlist__in=hotlists_distributed_to(user=user))
    ).select_related("hotlist", "entry", "reader", "verified_by", "outcome_by")


def hit_queue_for(*, user: User) -> QuerySet[Hit]:
    """Unverified hits waiting for this verifier: highest priority first, then oldest read first."""
    if not has_capability(user, "lpr.hits.verify"):
        return Hit.objects.none()
    return hit_list_visible_to(user=user).filter(status=HitStatus.UNVERIFIED).order_by("priority", "created_at", "id")


def hit_get_for_user(*, user: User, hit_id: int) -> Hit:
    """One hit, or NotFound whether it is missing or not the user's to see."""
    hit = hit_list_visible_to(user=user).filter(pk=hit_id).first()
    if hit is None:
        raise NotFound("No such hit.")
    return hit


def hit_read(*, hit: Hit) -> Read | None:
    """The read behind a hit, or None once retention purged it (the hit keeps what was read)."""
    # read_at names the partition, so this touches one day's table.
    return Read.objects.filter(id=hit.read_id, read_at=hit.read_at).first()


def reader_list_visible_to(*, user: User) -> QuerySet[Reader]:
    """Every registered reader for the roles that may see the reader registry."""
    if not has_capability(user, "lpr.readers"):
        return Reader.objects.none()
    return Reader.objects.all()


def may_verify(*, user: User, hit: Hit) -> bool:
    """Whether the user may confirm or reject this hit now (it is theirs to see and still unverified)."""
    return hit.status == HitStatus.UNVERIFIED and has_capability(user, "lpr.hits.verify")


def may_record_outcome(*, user: User, hit: Hit) -> bool:
    return hit.status == HitStatus.ACTIONABLE and has_capability(user, "lpr.hits.verify")


@dataclass(frozen=True)
class Difference:
    """One way the read and the hotlist entry disagree; `field` says where, `message` says it in words."""

    field: str
    message: str
    position: int | None = None
    read: str = ""
    entry: str = ""
    confusable: bool = False


@dataclass(frozen=True)
class Comparison:
    """The read beside the entry: differences, and per-character flags for highlighting."""

    differences: list[Difference] = field(default_factory=list)
    plate_positions: list[int] = field(default_factory=list)


def read_vehicle_words(read: Read | None, hit: Hit) -> dict[str, str]:
    """What the reader saw of the vehicle (from the read, or what the hit kept of it)."""
    if read is not None:
        return {
            "color": read.vehicle_color,
            "make": read.vehicle_make,
            "model": read.vehicle_model,
            "type": read.vehicle_type,
        }
    return {"color": "", "make": "", "model": "", "type": "", "description": hit.vehicle}


def hit_compare(*, hit: Hit, read: Read | None, now: dt.datetime | None = None) -> Comparison:
    """Where read and entry differ: plate characters, state, vehicle hints, an entry no longer in force."""
    entry = hit.entry
    differences: list[Difference] = []
    read_plate, entry_plate = hit.plate, entry.plate
    positions = [
        index
        for index in range(max(len(read_plate), len(entry_plate)))
        if read_plate[index : index + 1] != entry_plate[index : index + 1]
    ]
    for index in positions:
        read_char, entry_char = read_plate[index : index + 1], entry_plate[index : index + 1]
        confusable = bool(read_char and entry_char) and confusable_form(read_char) == confusable_form(entry_char)
        kind = "OCR-confusable" if confusable else "different"
        differences.append(
            Difference(
                field="plate",
                position=index,
                read=read_char,
                entry=entry_char,
                confusable=confusable,
                message=f"character {index + 1}: read {read_char or '(none)'}, entry {entry_char or '(none)'} ({kind})",
            )
        )
    if hit.state != entry.state:
        if hit.state and entry.state:
            message = f"state: read {hit.state}, entry {entry.state}"
        elif entry.state:
            message = f"state: the read has no state; the entry is {entry.state}"
        else:
            message = f"state: the entry names no state; the read is {hit.state}"
        differences.append(Difference(field="state", read=hit.state, entry=entry.state, message=message))
    differences += _vehicle_hints(read_vehicle_words(read, hit), entry.vehicle_description)
    now = now or timezone.now()
    if not entry.active:
        differences.append(Difference(field="entry", message="entry: no longer active (cleared or expired)"))
    elif entry.expires_at is not None and entry.expires_at <= now:
        differences.append(
            Difference(field="entry", message=f"entry: expired {timezone.localtime(entry.expires_at):%Y-%m-%d %H:%M}")
        )
    return Comparison(differences=differences, plate_positions=positions)


def _vehicle_hints(seen: dict[str, str], description: str) -> list[Difference]:
    """Hints, not verdicts: a colour or make the reader saw that the entry's description does not mention."""
    described = set(_WORD.findall(description.lower()))
    if not described:
        return []
    hints = []
    colour = seen.get("color", "").strip().lower()
    described_colours = described & COLOURS
    if colour and described_colours and colour not in described_colours:
        hints.append(
            Difference(
                field="vehicle",
                read=colour,
                entry=", ".join(sorted(described_colours)),
                message=f"vehicle colour: read {colour}, entry describes {', '.join(sorted(described_colours))}",
            )
        )
    make = seen.get("make", "").strip()
    if make and not set(_WORD.findall(make.lower())) & described:
        hints.append(
            Difference(
                field="vehicle",
                read=make,
                entry=description,
                message=f"vehicle make: read {make}, not in the entry's description ({description})",
            )
        )
    return hints
