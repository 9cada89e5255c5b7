"""Shift reports: what happened in one shift, written once after it ends (beat task, management command).

A report is a frozen JSON document (`ShiftReport.content`): the figures are computed from the
records as they stand when it is written, for the half-open window [starts_at, ends_at) of the
shift (shifts/hours.py). Definitions of each figure are in docs/analytics.md ("Shift reports").
The unique key (shift_date, shift) makes writing idempotent, also under concurrent runs: the
loser of a race finds the winner's row and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from alerts.choices import AlertType, Disposition
from alerts.models import Alert
from analytics.models import ShiftReport
from cases.choices import LinkKind
from cases.models import Case, CaseLink
from incidents.models import Incident
from lpr.choices import HitStatus
from lpr.models import Hit
from rtcc.errors import InvalidInput, NotFound
from shifts.hours import ShiftWindow, configured_shifts, shift_window, window_of
from shifts.models import HandoverNote, ShiftSignOn
from shots.choices import DetectionType, ReviewStatus
from shots.models import ShotsFired

CONTENT_VERSION = 1
DUE_HOURS = 48  # a shift that ended longer ago than this is not written by the beat task
TOP_INCIDENTS = 10


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _username(user: Any) -> str:
    return str(user.get_username()) if user is not None else "system"


def _counted(rows: Any, key: str, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """[{key, label, count}] sorted by count (highest first), then key."""
    items = sorted(((str(row[key]), int(row["n"])) for row in rows), key=lambda item: (-item[1], item[0]))
    return [{"key": k, "label": (labels or {}).get(k, k), "count": n} for k, n in items]


def _in(field: str, window: ShiftWindow) -> Q:
    return Q(**{f"{field}__gte": window.starts_at, f"{field}__lt": window.ends_at})


def _incidents(window: ShiftWindow) -> dict[str, Any]:
    # The call type is the final one when the CAD gave one, else the initial one (as in the rollups).
    effective_type = Coalesce(NullIf("final_call_type", Value("")), "call_type")
    received = Incident.objects.filter(_in("received_at", window))
    by_type = received.annotate(kind=effective_type).values("kind").annotate(n=Count("id"))
    top = received.order_by("priority", "received_at", "id")[:TOP_INCIDENTS]
    return {
        "received": received.count(),
        "by_call_type": _counted(by_type, "kind"),
        "top": [
            {
                "id": incident.pk,
                "cad_number": incident.external_id,
                "source": incident.source,
                "call_type": incident.final_call_type or incident.call_type,
                "priority": incident.priority,
                "received_at": _iso(incident.received_at),
                "address": incident.address,
                "district": incident.district,
                "status": incident.status,
            }
            for incident in top
        ],
    }


def _alerts(window: ShiftWindow) -> dict[str, Any]:
    raised = Alert.objects.filter(_in("created_at", window))
    resolved = Alert.objects.filter(_in("resolved_at", window))
    # Open at the end: raised before the end and not resolved before it (resolved later or not yet).
    open_at_end = Alert.objects.filter(created_at__lt=window.ends_at).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=window.ends_at)
    )
    return {
        "raised": raised.count(),
        "acknowledged": Alert.objects.filter(_in("acknowledged_at", window)).count(),
        "resolved": resolved.count(),
        "by_type": _counted(raised.values("type").annotate(n=Count("id")), "type", dict(AlertType.choices)),
        "dispositions": _counted(
            resolved.values("disposition").annotate(n=Count("id")), "disposition", dict(Disposition.choices)
        ),
        "open_at_end": open_at_end.count(),
    }


def _assists(window: ShiftWindow) -> dict[str, Any]:
    cases = Case.objects.filter(_in("created_at", window)).order_by("created_at", "id")
    links = CaseLink.objects.filter(_in("added_at", window), kind=LinkKind.INCIDENT)
    return {
        "cases_created": cases.count(),
        "cases": [{"id": case.pk, "number": case.number, "title": case.title} for case in cases[:50]],
        "incident_links": links.count(),
    }


def _lpr(window: ShiftWindow) -> dict[str, Any]:
    verified = Hit.objects.filter(_in("verified_at", window)).exclude(status=HitStatus.UNVERIFIED)
    return {
        "hits": Hit.objects.filter(_in("created_at", window)).count(),
        "verified": verified.count(),
        "actionable": verified.filter(status=HitStatus.ACTIONABLE).count(),
        "rejected": verified.filter(status=HitStatus.REJECTED).count(),
    }


def _shots(window: ShiftWindow) -> dict[str, Any]:
    detections = ShotsFired.objects.filter(_in("detected_at", window))
    return {
        "detections": detections.count(),
        "by_type": _counted(
            detections.values("detection_type").annotate(n=Count("id")), "detection_type", dict(DetectionType.choices)
        ),
        "by_review": _counted(
            detections.values("review_status").annotate(n=Count("id")), "review_status", dict(ReviewStatus.choices)
        ),
    }


def _notes(window: ShiftWindow) -> list[dict[str, Any]]:
    notes = HandoverNote.objects.filter(shift_date=window.date, shift=window.name).select_related("author")
    return [
        {
            "author": _username(note.author),
            "created_at": _iso(note.created_at),
            "text": note.text,
            "open_items": note.open_items,
            "watch_items": note.watch_items,
        }
        for note in notes.order_by("created_at", "id")
    ]


def _sign_ons(window: ShiftWindow) -> list[dict[str, Any]]:
    rows = ShiftSignOn.objects.filter(shift_date=window.date, shift=window.name).select_related("user")
    return [
        {
            "user": _username(row.user),
            "signed_on_at": _iso(row.signed_on_at),
            "signed_off_at": _iso(row.signed_off_at),
        }
        for row in rows.order_by("signed_on_at", "id")
    ]


def build_content(window: ShiftWindow) -> dict[str, Any]:
    """The report document of one shift window, from the records as they stand now."""
    return {
        "version": CONTENT_VERSION,
        "window": {
            "shift": window.name,
            "date": window.date.isoformat(),
            "starts_at": _iso(window.starts_at),
            "ends_at": _iso(window.ends_at),
            "time_zone": settings.TIME_ZONE,
        },
        "incidents": _incidents(window),
        "alerts": _alerts(window),
        "assists": _assists(window),
        "lpr": _lpr(window),
        "shots": _shots(window),
        "handover_notes": _notes(window),
        "signed_on": _sign_ons(window),
    }


def _write(window: ShiftWindow, *, actor: AbstractBaseUser | None) -> tuple[ShiftReport, bool]:
    """Write the report of `window` unless one exists (get_or_create absorbs a concurrent insert)."""
    existing = ShiftReport.objects.filter(shift_date=window.date, shift=window.name).first()
    if existing is not None:
        return existing, False
    return ShiftReport.objects.get_or_create(
        shift_date=window.date,
        shift=window.name,
        defaults={
            "starts_at": window.starts_at,
            "ends_at": window.ends_at,
            "generated_by_id": actor.pk if actor is not None else None,
            "content": build_content(window),
        },
    )


def due_windows(now: dt.datetime) -> list[ShiftWindow]:
    """Shift windows that ended in (now - 48 h, now], oldest first."""
    since = now - dt.timedelta(hours=DUE_HOURS)
    zone = timezone.get_default_timezone()
    first = since.astimezone(zone).date() - dt.timedelta(days=1)
    last = now.astimezone(zone).date()
    windows = []
    day = first
    while day <= last:
        for definition in configured_shifts():
            window = window_of(definition, day)
            if since < window.ends_at <= now:
                windows.append(window)
        day += dt.timedelta(days=1)
    return sorted(windows, key=lambda w: w.starts_at)


def write_due_reports(now: dt.datetime | None = None) -> list[ShiftReport]:
    """Write the report of every shift that ended in the last 48 h and has none; return those written."""
    now = now or timezone.now()
    written = []
    for window in due_windows(now):
        report, created = _write(window, actor=None)
        if created:
            written.append(report)
    return written


def shift_report_write(
    *, shift_date: dt.date, shift: str, actor: AbstractBaseUser | None = None, now: dt.datetime | None = None
) -> tuple[ShiftReport, bool]:
    """Write the report of one shift (it must have ended); returns (report, created)."""
    window = shift_window(shift_date, shift)
    if window is None:
        names = ", ".join(d.name for d in configured_shifts())
        raise InvalidInput(f"shift: no shift named {shift!r} (shifts: {names}).", details={"shift": ["Unknown."]})
    if window.ends_at > (now or timezone.now()):
        raise InvalidInput(
            f"shift: the {shift} shift of {shift_date} has not ended yet.", details={"shift": ["Not ended."]}
        )
    return _write(window, actor=actor)


def shift_report_list() -> QuerySet[ShiftReport]:
    return ShiftReport.objects.select_related("generated_by").order_by("-starts_at", "-id")


def shift_report_get(*, report_id: int) -> ShiftReport:
    report = ShiftReport.objects.select_related("generated_by").filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such shift report.")
    return report


def content_for_display(value: Any, key: str = "") -> Any:
    """The stored content with its instants (keys ending in `_at`) as aware datetimes, for templates."""
    if isinstance(value, dict):
        return {k: content_for_display(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [content_for_display(item) for item in value]
    if isinstance(value, str) and key.endswith("_at"):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value
