"""Writes of the shift log: sign on, sign off, append a handover note."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import has_capability
from rtcc.errors import Conflict, InvalidInput, PermissionDenied
from shifts.events import DutyPayload, publish_duty_changed, publish_handover_created
from shifts.hours import ShiftWindow, shift_at, shift_window
from shifts.models import HandoverNote, ShiftSignOn
from shifts.selectors import on_duty

MAX_NOTE_CHARS = 4000


def _require(actor: AbstractBaseUser, capability: str) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied()


def _duty_changed(window: ShiftWindow) -> None:
    names = [s.user.get_username() for s in on_duty(window)]
    publish_duty_changed(
        DutyPayload(shift_date=window.date.isoformat(), shift=window.name, on_duty=names, count=len(names))
    )


def sign_on(*, actor: AbstractBaseUser, now: datetime | None = None) -> ShiftSignOn:
    """Sign on for the current shift. Already on duty → 409. A sign-on left open in an earlier
    shift (forgot to sign off) is closed at that shift's end first."""
    _require(actor, "shifts.write")
    now = now or timezone.now()
    window = shift_at(now)
    with transaction.atomic(durable=True):
        stale = ShiftSignOn.objects.select_for_update().filter(user_id=actor.pk, signed_off_at__isnull=True).first()
        if stale is not None:
            if stale.shift_date == window.date and stale.shift == window.name:
                raise Conflict(f"Already signed on for the {window.name} shift of {window.date}.")
            earlier = shift_window(stale.shift_date, stale.shift)
            stale.signed_off_at = max(stale.signed_on_at, min(now, earlier.ends_at if earlier else now))
            stale.save(update_fields=["signed_off_at"])
        try:
            with transaction.atomic():
                record = ShiftSignOn.objects.create(
                    user=actor,  # type: ignore[misc]
                    shift_date=window.date,
                    shift=window.name,
                    signed_on_at=now,
                )
        except IntegrityError as exc:  # a concurrent sign-on of the same person
            raise Conflict("Already signed on.") from exc
        _duty_changed(window)
    return record


def sign_off(*, actor: AbstractBaseUser, now: datetime | None = None) -> ShiftSignOn:
    """Sign off from the current shift. Not signed on for it → 409."""
    _require(actor, "shifts.write")
    now = now or timezone.now()
    window = shift_at(now)
    with transaction.atomic(durable=True):
        record = (
            ShiftSignOn.objects.select_for_update()
            .filter(user_id=actor.pk, shift_date=window.date, shift=window.name, signed_off_at__isnull=True)
            .first()
        )
        if record is None:
            raise Conflict(f"Not signed on for the {window.name} shift of {window.date}.")
        record.signed_off_at = max(now, record.signed_on_at)
        record.save(update_fields=["signed_off_at"])
        _duty_changed(window)
    return record


def handover_append(
    *, actor: AbstractBaseUser, text: str, open_items: str = "", watch_items: str = "", now: datetime | None = None
) -> HandoverNote:
    """Write a handover note for the current shift (never edited afterwards) and show it live."""
    _require(actor, "shifts.write")
    text, open_items, watch_items = text.strip(), open_items.strip(), watch_items.strip()
    if not text:
        raise InvalidInput("text: required")
    for field, value in (("text", text), ("open_items", open_items), ("watch_items", watch_items)):
        if len(value) > MAX_NOTE_CHARS:
            raise InvalidInput(f"{field}: at most {MAX_NOTE_CHARS} characters")
    now = now or timezone.now()
    window = shift_at(now)
    with transaction.atomic(durable=True):
        note = HandoverNote.objects.create(
            shift_date=window.date,
            shift=window.name,
            author=actor,  # type: ignore[misc]
            text=text,
            open_items=open_items,
            watch_items=watch_items,
            created_at=now,
        )
        publish_handover_created(note)
    return note
