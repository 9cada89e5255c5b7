"""Hotlist entries: create (with retroactive matching), edit with history, expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.roles import has_capability
from audit.services import audit_record
from lpr.events import publish_hits_raised
from lpr.models import Hit, Hotlist, HotlistEntry, HotlistEntryChange
from lpr.plates import PlateError, confusable_form, normalise_plate, normalise_state
from lpr.services.hit_alerts import hits_raise_alerts
from lpr.services.matching import MATCH_SQL
from rtcc.errors import InvalidInput, NotFound, PermissionDenied

EDITABLE = (
    "plate",
    "state",
    "reason",
    "case_number",
    "ncic_number",
    "vehicle_description",
    "effective_from",
    "expires_at",
    "notes",
    "active",
)


def _require(user: AbstractBaseUser | None) -> None:
    if user is not None and not has_capability(user, "lpr.hotlists.manage"):
        raise PermissionDenied("Your role does not allow editing hotlists.")


def _snapshot(entry: HotlistEntry) -> dict[str, Any]:
    data = model_to_dict(entry, fields=EDITABLE)
    return {key: value.isoformat() if isinstance(value, dt.datetime) else value for key, value in data.items()}


def _apply(entry: HotlistEntry, data: dict[str, Any]) -> None:
    if "plate" in data:
        try:
            entry.plate = normalise_plate(data["plate"])
        except PlateError as exc:
            raise InvalidInput(f"plate: Plate {exc}.") from exc
        entry.plate_raw = str(data["plate"])[:16]
        entry.plate_confusable = confusable_form(entry.plate)
    if "state" in data:
        try:
            entry.state = normalise_state(data["state"])
        except PlateError as exc:
            raise InvalidInput(f"state: {exc}") from exc
    for name in (
        "reason",
        "case_number",
        "ncic_number",
        "vehicle_description",
        "effective_from",
        "expires_at",
        "notes",
        "active",
        "external_id",
    ):
        if name in data:
            setattr(entry, name, data[name])
    if entry.expires_at and entry.effective_from and entry.expires_at <= entry.effective_from:
        raise InvalidInput("expires_at: must be after effective_from")
    if not (entry.reason or "").strip():
        raise InvalidInput("reason: say why the plate is on the list")


def entry_create(
    *, user: AbstractBaseUser | None, hotlist_id: int, data: dict[str, Any]
) -> tuple[HotlistEntry, list[Hit]]:
    """Add a plate; reads of the last RTCC_LPR_RETROACTIVE_DAYS are checked at once (historical hits)."""
    _require(user)
    with transaction.atomic(durable=True):
        hotlist = Hotlist.objects.filter(pk=hotlist_id).first()
        if hotlist is None:
            raise NotFound("No such hotlist.")
        entry = HotlistEntry(hotlist=hotlist, entered_by=user)  # type: ignore[misc]
        _apply(entry, data)
        entry.save()
        HotlistEntryChange.objects.create(
            entry=entry,
            changed_by=user,  # type: ignore[misc]
            action="create",
            after=_snapshot(entry),
        )
        if user is not None:
            audit_record(
                actor=user, action="lpr.entry.create", object_ref=f"entry:{entry.pk}", case_number=entry.case_number
            )
        hits = entry_match_retroactively(entry=entry)
    return entry, hits


def entry_update(*, user: AbstractBaseUser | None, entry_id: int, data: dict[str, Any]) -> HotlistEntry:
    """Edit an entry; the change (before/after, who) is kept in its history."""
    _require(user)
    with transaction.atomic(durable=True):
        entry = HotlistEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise NotFound("No such hotlist entry.")
        before = _snapshot(entry)
        _apply(entry, data)
        after = _snapshot(entry)
        if before != after:
            entry.save()
            changed = {key for key in after if before.get(key) != after[key]}
            HotlistEntryChange.objects.create(
                entry=entry,
                changed_by=user,  # type: ignore[misc]
                action="update",
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
            if user is not None:
                audit_record(
                    actor=user,
                    action="lpr.entry.update",
                    object_ref=f"entry:{entry.pk}",
                    details={"fields": sorted(changed)},
                )
            if {"plate", "state", "effective_from", "expires_at", "active"} & changed:
                entry_match_retroactively(entry=entry)
    return entry


def entry_match_retroactively(*, entry: HotlistEntry, now: dt.datetime | None = None) -> list[Hit]:
    """Match one entry against the reads of the last N days; (read, entry) is unique, so re-runs add nothing."""
    if not entry.active:
        return []
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.RTCC_LPR_RETROACTIVE_DAYS)
    reads = "(SELECT * FROM lpr_read WHERE read_at >= %(since)s AND read_at <= %(now)s)"
    with connection.cursor() as cursor:
        cursor.execute(
            MATCH_SQL.format(reads=reads, entries="AND e.id = %(entry)s"),
            {"retroactive": True, "since": since, "now": now, "entry": entry.pk, "match_since": since},
        )
        hit_ids = [row[0] for row in cursor.fetchall()]
    hits = list(Hit.objects.filter(pk__in=hit_ids).select_related("hotlist", "reader", "entry"))
    publish_hits_raised(hits=hits)
    hits_raise_alerts(hits=hits)
    return hits


def entries_expire(*, now: dt.datetime | None = None) -> int:
    """Beat: entries past their expiry stop matching (active=False), with a history row each."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        expired = list(HotlistEntry.objects.select_for_update().filter(active=True, expires_at__lte=now))
        for entry in expired:
            entry.active = False
            entry.save(update_fields=["active", "updated_at"])
            HotlistEntryChange.objects.create(
                entry=entry, changed_by=None, action="expire", before={"active": True}, after={"active": False}
            )
        if expired:
            audit_record(
                actor=None,
                action="retention.expire",
                object_ref="lpr_hotlist_entry",
                details={"expired": len(expired), "entry_ids": [entry.pk for entry in expired][:1000]},
            )
    return len(expired)


AMBER_HOTLIST = "AMBER alerts"
AMBER_DEFAULT_HOURS = 72


def amber_entry_from_cap(
    *, user: AbstractBaseUser, cap_alert_id: int, plate: str, state: str = ""
) -> tuple[HotlistEntry, list[Hit]]:
    """An analyst confirmed the plate of an AMBER CAP alert: it goes on the AMBER hotlist (priority 1)."""
    from cap.models import CapAlert
    from lpr.amber import is_amber

    _require(user)
    alert = CapAlert.objects.filter(pk=cap_alert_id).first()
    if alert is None:
        raise NotFound("No such CAP alert.")
    if not is_amber(alert.infos, alert.headline, alert.event):
        raise InvalidInput("cap_alert: not an AMBER / child abduction alert")
    if alert.state != "active":
        raise InvalidInput(f"cap_alert: the alert is {alert.state}, not active")
    hotlist, _ = Hotlist.objects.get_or_create(
        name=AMBER_HOTLIST,
        defaults={"source": "amber", "priority": 1, "owner": user},  # type: ignore[misc]
    )
    expires = alert.expires or timezone.now() + dt.timedelta(hours=AMBER_DEFAULT_HOURS)
    data = {
        "plate": plate,
        "state": state,
        "reason": f"AMBER: {(alert.headline or alert.event)[:190]}",
        "case_number": alert.identifier[:40],
        "expires_at": expires,
        "notes": f"From CAP alert {alert.identifier} ({alert.sender}); plate confirmed by {user.get_username()}.",
        "external_id": f"cap:{alert.pk}:{normalise_plate_or_raise(plate)}",
    }
    existing = HotlistEntry.objects.filter(hotlist=hotlist, external_id=data["external_id"]).first()
    if existing is not None:
        raise InvalidInput(f"plate: already on the AMBER list from this alert (entry {existing.pk})")
    return entry_create(user=user, hotlist_id=hotlist.pk, data=data)


def normalise_plate_or_raise(plate: str) -> str:
    try:
        return normalise_plate(plate)
    except PlateError as exc:
        raise InvalidInput(f"plate: Plate {exc}.") from exc
