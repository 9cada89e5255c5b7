"""Reads of the shift log: the current shift, who is on duty, handover notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from shifts.hours import ShiftWindow, banner_minutes, previous_shift, shift_at, shifts_of_day
from shifts.models import HandoverNote, ShiftSignOn


def current_shift(now: datetime | None = None) -> ShiftWindow:
    return shift_at(now or timezone.now())


def sign_ons(window: ShiftWindow) -> QuerySet[ShiftSignOn]:
    return ShiftSignOn.objects.filter(shift_date=window.date, shift=window.name).select_related("user")


def on_duty(window: ShiftWindow) -> QuerySet[ShiftSignOn]:
    """Signed on for this shift and not signed off."""
    return sign_ons(window).filter(signed_off_at__isnull=True)


def open_sign_on(user: AbstractBaseUser) -> ShiftSignOn | None:
    return ShiftSignOn.objects.filter(user_id=user.pk, signed_off_at__isnull=True).first()


def notes_of(window: ShiftWindow) -> QuerySet[HandoverNote]:
    return HandoverNote.objects.filter(shift_date=window.date, shift=window.name).select_related("author")


def notes_on(day: date) -> QuerySet[HandoverNote]:
    return HandoverNote.objects.filter(shift_date=day).select_related("author")


def window_dict(window: ShiftWindow) -> dict[str, Any]:
    return {
        "name": window.name,
        "date": window.date,
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
    }


def current_summary(*, user: AbstractBaseUser, now: datetime | None = None) -> dict[str, Any]:
    """What the ops screen shows: the shift, who is on duty, the handover received and written."""
    now = now or timezone.now()
    window = shift_at(now)
    previous = previous_shift(window)
    mine = open_sign_on(user)
    return {
        "shift": window_dict(window),
        "previous": window_dict(previous),
        "on_duty": list(on_duty(window)),
        "signed_on": mine is not None and mine.shift_date == window.date and mine.shift == window.name,
        "handover_received": list(notes_of(previous)),
        "notes": list(notes_of(window)),
        "banner_minutes": banner_minutes(),
        "server_time": now,
    }


def day_overview(day: date) -> list[dict[str, Any]]:
    """The shifts starting on a local date, each with its sign-ons and notes (the /shifts/ page)."""
    rows = []
    for window in shifts_of_day(day):
        rows.append({"window": window, "sign_ons": list(sign_ons(window)), "notes": list(notes_of(window))})
    return rows
