"""Anomaly flags on searches (docs/audit.md): computed from the audit trail, reviewed by supervisors.

Four kinds: the same plate searched repeatedly by one user; searches with no shift sign-on
covering them; a day's search volume far above the user's usual; a case number that is neither a
CAD number nor an RTCC case. One flag per kind, user, key and local day; a run refreshes the flags
it finds again and raises a supervisors' alert for each new one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.roles import Role, has_capability
from alerts.choices import AlertType
from alerts.services import alert_raise_or_update, alert_resolve_for_source
from audit.choices import FlagKind, FlagStatus
from audit.models import AuditEvent, AuditFlag
from audit.services import audit_record
from cases.models import Case
from incidents.models import Incident
from rtcc import realtime
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shifts.models import ShiftSignOn

# Audited actions that are searches of people's data (plates, positions, CAD).
SEARCH_ACTIONS = (
    "lpr.search",
    "ops.search",
    "monitoring.track.view",
    "monitoring.positions.view",
    "monitoring.presence.view",
)
REPEAT_WINDOW_DAYS = 7
VOLUME_BASELINE_DAYS = 30
VOLUME_MEDIAN_FACTOR = 3
MAX_EVIDENCE_IDS = 1000
NOTE_MAX_CHARS = 2000
_FLAGS_LOCK_KEY = 80_0009  # one run at a time (beat and `manage.py audit_flags`)


@dataclass
class FlagFinding:
    kind: str
    user_id: int
    key: str
    day: dt.date
    window_start: dt.datetime
    window_end: dt.datetime
    events: list[tuple[int, dt.datetime]]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class FlagRun:
    created: list[AuditFlag] = field(default_factory=list)
    refreshed: int = 0


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _searches(start: dt.datetime, end: dt.datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(action__in=SEARCH_ACTIONS, at__gte=start, at__lt=end, actor__isnull=False)


def _finding(
    kind: str,
    user_id: int,
    key: str,
    day: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    events: list[tuple[int, dt.datetime]],
    **details: Any,
) -> FlagFinding:
    events = sorted(events, key=lambda event: (event[1], event[0]))
    return FlagFinding(
        kind=kind, user_id=user_id, key=key, day=day, window_start=start, window_end=end, events=events, details=details
    )


def repeat_plate_findings(days: list[dt.date]) -> list[FlagFinding]:
    """(a) The same plate searched ≥ RTCC_AUDIT_REPEAT_PLATE_SEARCHES times by one user in 7 days ending on a day."""
    threshold = settings.RTCC_AUDIT_REPEAT_PLATE_SEARCHES
    start = _day_start(min(days) - dt.timedelta(days=REPEAT_WINDOW_DAYS - 1))
    end = _day_start(max(days) + dt.timedelta(days=1))
    rows = (
        AuditEvent.objects.filter(action="lpr.search", at__gte=start, at__lt=end, actor__isnull=False)
        .exclude(details__criteria__plate_pattern="")
        .exclude(details__criteria__plate_pattern__isnull=True)
        .values_list("id", "actor_id", "at", "details__criteria__plate_pattern")
    )
    by_user_plate: dict[tuple[int, str], list[tuple[int, dt.datetime]]] = defaultdict(list)
    for event_id, actor_id, at, plate in rows:
        by_user_plate[(actor_id, str(plate))].append((event_id, at))
    findings = []
    for day in days:
        window_start = _day_start(day - dt.timedelta(days=REPEAT_WINDOW_DAYS - 1))
        window_end = _day_start(day + dt.timedelta(days=1))
        for (user_id, plate), events in by_user_plate.items():
            in_window = [event for event in events if window_start <= event[1] < window_end]
            if len(in_window) >= threshold and any(timezone.localdate(at) == day for _, at in in_window):
                findings.append(
                    _finding(
                        FlagKind.REPEAT_PLATE,
                        user_id,
                        plate,
                        day,
                        window_start,
                        window_end,
                        in_window,
                        plate=plate,
                        threshold=threshold,
                    )
                )
    return findings


def off_shift_findings(days: list[dt.date]) -> list[FlagFinding]:
    """(b) Searches by a user with no shift sign-on covering the moment of the search."""
    covering = ShiftSignOn.objects.filter(user_id=OuterRef("actor_id"), signed_on_at__lte=OuterRef("at")).filter(
        Q(signed_off_at__isnull=True) | Q(signed_off_at__gte=OuterRef("at"))
    )
    findings = []
    for day in days:
        start, end = _day_start(day), _day_start(day + dt.timedelta(days=1))
        rows = _searches(start, end).filter(~Exists(covering)).values_list("id", "actor_id", "at")
        by_user: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
        for event_id, actor_id, at in rows:
            by_user[actor_id].append((event_id, at))
        findings += [
            _finding(FlagKind.OFF_SHIFT, user_id, "", day, start, end, events) for user_id, events in by_user.items()
        ]
    return findings


def high_volume_findings(days: list[dt.date]) -> list[FlagFinding]:
    """(c) A day's searches > max(RTCC_AUDIT_DAILY_SEARCH_FLOOR, 3 x the user's median day of the 30 before)."""
    floor = settings.RTCC_AUDIT_DAILY_SEARCH_FLOOR
    findings = []
    for day in days:
        start, end = _day_start(day), _day_start(day + dt.timedelta(days=1))
        counts = _searches(start, end).values("actor_id").annotate(n=Count("id")).filter(n__gt=floor)
        for row in counts:
            user_id, count = row["actor_id"], row["n"]
            baseline_start = _day_start(day - dt.timedelta(days=VOLUME_BASELINE_DAYS))
            per_day = dict(
                _searches(baseline_start, start)
                .filter(actor_id=user_id)
                .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
                .values_list("day")
                .annotate(n=Count("id"))
                .values_list("day", "n")
            )
            daily = [per_day.get(day - dt.timedelta(days=back), 0) for back in range(1, VOLUME_BASELINE_DAYS + 1)]
            median = statistics.median(daily)
            threshold = max(floor, VOLUME_MEDIAN_FACTOR * median)
            if count > threshold:
                events = list(_searches(start, end).filter(actor_id=user_id).order_by("at").values_list("id", "at"))
                findings.append(
                    _finding(
                        FlagKind.HIGH_VOLUME,
                        user_id,
                        "",
                        day,
                        start,
                        end,
                        events,
                        count=count,
                        median=median,
                        threshold=threshold,
                    )
                )
    return findings


def unknown_case_findings(days: list[dt.date]) -> list[FlagFinding]:
    """(d) Searches whose case number is neither a CAD number (incident) nor an RTCC case (number or agency number)."""
    start, end = _day_start(min(days)), _day_start(max(days) + dt.timedelta(days=1))
    rows = list(_searches(start, end).exclude(case_number="").values_list("id", "actor_id", "at", "case_number"))
    numbers = {row[3] for row in rows}
    known = set(Incident.objects.filter(external_id__in=numbers).values_list("external_id", flat=True))
    known |= set(Case.objects.filter(number__in=numbers).values_list("number", flat=True))
    for external_numbers in Case.objects.filter(external_numbers__overlap=list(numbers)).values_list(
        "external_numbers", flat=True
    ):
        known |= set(external_numbers)
    grouped: dict[tuple[int, str, dt.date], list[tuple[int, dt.datetime]]] = defaultdict(list)
    for event_id, actor_id, at, number in rows:
        if number not in known:
            grouped[(actor_id, number, timezone.localdate(at))].append((event_id, at))
    return [
        _finding(
            FlagKind.UNKNOWN_CASE,
            user_id,
            number,
            day,
            _day_start(day),
            _day_start(day + dt.timedelta(days=1)),
            events,
            case_number=number,
        )
        for (user_id, number, day), events in grouped.items()
    ]


def flags_compute(*, now: dt.datetime | None = None, days: int = 2) -> FlagRun:
    """Find anomalies in the last `days` local days (today included); create or refresh their flags.

    Safe to run twice: a flag is unique per kind, user, key and day, and a second run only refreshes it.
    """
    if days < 1:
        raise InvalidInput("days: at least 1.")
    today = timezone.localdate(now or timezone.now())
    day_list = [today - dt.timedelta(days=back) for back in range(days)]
    findings = [
        *repeat_plate_findings(day_list),
        *off_shift_findings(day_list),
        *high_volume_findings(day_list),
        *unknown_case_findings(day_list),
    ]
    run = FlagRun()
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FLAGS_LOCK_KEY])
        for finding in findings:
            flag, created = _flag_upsert(finding)
            if created:
                run.created.append(flag)
                _alert_supervisors(flag)
            else:
                run.refreshed += 1
    return run


def _flag_upsert(finding: FlagFinding) -> tuple[AuditFlag, bool]:
    values = {
        "window_start": finding.window_start,
        "window_end": finding.window_end,
        "count": len(finding.events),
        "first_event_at": finding.events[0][1],
        "last_event_at": finding.events[-1][1],
        "event_ids": [event_id for event_id, _ in finding.events][:MAX_EVIDENCE_IDS],
        "details": finding.details,
    }
    flag = AuditFlag.objects.filter(
        kind=finding.kind, user_id=finding.user_id, key=finding.key, day=finding.day
    ).first()
    if flag is None:
        flag = AuditFlag.objects.create(
            kind=finding.kind, user_id=finding.user_id, key=finding.key, day=finding.day, **values
        )
        return flag, True
    if any(getattr(flag, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(flag, name, value)
        flag.save(update_fields=list(values))
    return flag, False


def _alert_supervisors(flag: AuditFlag) -> None:
    username = flag.user.get_username()
    subject = f" {flag.key}" if flag.key else ""
    alert_raise_or_update(
        type=AlertType.AUDIT_ANOMALY,
        source_key=f"audit_flag:{flag.pk}",
        priority=3,
        title=f"Audit: {flag.get_kind_display()}{subject} ({username})",
        detail=f"{flag.count} search(es) by {username}, {flag.day:%Y-%m-%d}. Review on the audit anomalies page.",
        streams=[realtime.role_stream(Role.SUPERVISOR)],
        context={"audit_flag_id": flag.pk, "kind": flag.kind},
    )


def flag_review(*, actor: AbstractBaseUser, flag_id: int, note: str) -> AuditFlag:
    """Mark a flag reviewed with a note (required); the review is audited and its alert resolved."""
    if not has_capability(actor, "audit.anomalies"):
        raise PermissionDenied("Your role does not allow reviewing anomaly flags.")
    note = note.strip()
    if not note:
        raise InvalidInput("note: say what the review found.")
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"note: at most {NOTE_MAX_CHARS} characters.")
    with transaction.atomic(durable=True):
        flag = AuditFlag.objects.select_for_update().filter(pk=flag_id).first()
        if flag is None:
            raise NotFound("No such anomaly flag.")
        if flag.status == FlagStatus.REVIEWED:
            raise Conflict("This flag was already reviewed.")
        flag.status, flag.reviewed_at, flag.note = FlagStatus.REVIEWED, timezone.now(), note
        flag.reviewed_by = actor  # type: ignore[assignment]
        flag.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
        audit_record(
            actor=actor,
            action="audit.flag.review",
            object_ref=f"audit_flag:{flag.pk}",
            details={
                "kind": flag.kind,
                "user_id": flag.user_id,
                "key": flag.key,
                "day": flag.day.isoformat(),
                "note": note,
            },
        )
        alert_resolve_for_source(
            type=AlertType.AUDIT_ANOMALY, source_key=f"audit_flag:{flag.pk}", note=f"Reviewed: {note}"
        )
    return flag
