"""Drill-down: the records behind a metric row, one entry per record kind.

A dashboard row carries a `Drill(kind, filters)`; its link is the dashboard's filter plus the row's
filters. Each kind says which capability reads its records (on top of `metrics.read`), which date
field the range applies to, and which filters it takes; anything else is a 400 naming the field.
Records always start from the kind's own `*_visible_to(user)` selector.

Filters shared by every kind: `start`/`end` (the dashboard range), `day` (one local day), `from`/`to`
(inclusive local days, or ISO date-times with `to` exclusive), `all_dates=1` (a row counted without
the dashboard's range, e.g. cameras as they stand now: start/end do not apply), `page`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, ExtractHour, NullIf
from django.http import QueryDict

from accounts.roles import has_capability
from alerts.choices import AlertType, Disposition
from alerts.models import Alert
from alerts.selectors import alert_list_visible_to
from analytics.filters import EARLIEST_YEAR, LATEST_YEAR, MetricFilter, agency_zone, parse_filter
from audit.services import audit_record
from cameras.choices import AccessTier, CameraStatus, OwnerType
from cameras.models import FootageRequest
from cameras.selectors import camera_list_visible_to
from cases.choices import Contribution, LinkKind, LogKind, Outcome
from cases.models import CaseLink
from cases.selectors import case_list_visible_to
from incidents.selectors import incident_list_visible_to
from lpr.choices import HitOutcome, HitStatus, HotlistSource, RejectReason
from lpr.selectors import hit_list_visible_to
from rtcc.errors import InvalidInput, PermissionDenied
from shots.selectors import shots_list_visible_to

PAGE_ROWS = 50
MAX_PAGE = 10_000
# The label metric rows use for "no district"; as a drill filter it selects records without one.
NO_DISTRICT = "(none)"
RANGE_KEYS = frozenset({"start", "end", "bucket", "day", "from", "to", "all_dates", "page"})
TRUE_WORDS, FALSE_WORDS = frozenset({"1", "true", "yes"}), frozenset({"0", "false", "no"})

Applier = Callable[[QuerySet[Any], str], QuerySet[Any]]


@dataclass(frozen=True)
class DrillKind:
    kind: str
    title: str
    capability: str
    date_field: str
    visible: Callable[..., QuerySet[Any]]
    filters: Mapping[str, Applier]
    # Whether the dashboard's district / call type filter applies to these records.
    takes_district: bool = False
    takes_call_type: bool = False


@dataclass(frozen=True)
class DrillQuery:
    kind: DrillKind
    metric_filter: MetricFilter
    filters: dict[str, str]  # the validated, non-range filters (recorded in the audit trail)
    since: dt.datetime
    until: dt.datetime
    page: int


def _choice(name: str, choices: Any, field: str) -> Applier:
    def apply(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
        if raw not in choices.values:
            raise InvalidInput(f"{name}: not a known value.", details={name: ["Not a choice."]})
        return records.filter(**{field: raw})

    return apply


def _flag(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise InvalidInput(f"{name}: use 1 or 0.", details={name: ["Not a yes/no value."]})
    return value in TRUE_WORDS


def _whole(raw: str, name: str, *, low: int = 1, high: int = 2**62) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name}: must be a whole number.", details={name: ["Not a number."]}) from None
    if not low <= value <= high:
        raise InvalidInput(f"{name}: out of range.", details={name: ["Out of range."]})
    return value


def _text(field: str, name: str, *, max_length: int = 16) -> Applier:
    def apply(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
        if len(raw) > max_length:
            raise InvalidInput(f"{name}: at most {max_length} characters.", details={name: ["Too long."]})
        return records.filter(**{field: "" if raw == NO_DISTRICT else raw})

    return apply


def _with_flag(condition: Callable[[], Q | Exists]) -> Callable[[str], Applier]:
    def build(name: str) -> Applier:
        def apply(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
            wanted = condition()
            return records.filter(wanted) if _flag(raw, name) else records.exclude(wanted)

        return apply

    return build


def _incident_links() -> QuerySet[CaseLink]:
    return CaseLink.objects.filter(kind=LinkKind.INCIDENT, object_id=OuterRef("pk"))


def _assisted() -> Exists:
    """An RTCC case links the incident."""
    return Exists(_incident_links())


def _camera_action() -> Q:
    """A camera action at or after receipt: a footage request for it, or in a case linking it a
    'camera reviewed' log entry or a camera link (the metric's definition)."""
    received = OuterRef("received_at")
    footage = FootageRequest.objects.filter(incident=OuterRef("pk"), requested_at__gte=received)
    reviewed = _incident_links().filter(case__log__kind=LogKind.CAMERA_REVIEWED, case__log__action_at__gte=received)
    camera_link = _incident_links().filter(case__links__kind=LinkKind.CAMERA, case__links__added_at__gte=received)
    return Q(Exists(footage)) | Q(Exists(reviewed)) | Q(Exists(camera_link))


def _shot_actioned() -> Q:
    """Its shots-fired alert acknowledged, a case linking the detection or its incident, or a footage
    request for its incident (the metric's definition)."""
    # The alert of a detection is keyed "shots:<id>" (annotated as alert_key by _shots).
    acknowledged = Alert.objects.filter(
        type=AlertType.SHOTS_FIRED, source_key=OuterRef("alert_key"), acknowledged_by__isnull=False
    )
    linked = CaseLink.objects.filter(kind=LinkKind.SHOTS, object_id=OuterRef("pk"))
    incident_linked = CaseLink.objects.filter(kind=LinkKind.INCIDENT, object_id=OuterRef("incident_id"))
    footage = FootageRequest.objects.filter(incident_id=OuterRef("incident_id"))
    return Q(Exists(acknowledged)) | Q(Exists(linked)) | Q(Exists(incident_linked)) | Q(Exists(footage))


def _hour(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
    hour = _whole(raw, "hour", low=0, high=23)
    return records.annotate(local_hour=ExtractHour("created_at", tzinfo=agency_zone())).filter(local_hour=hour)


def _id_of(field: str, name: str) -> Applier:
    return lambda records, raw: records.filter(**{field: _whole(raw, name)})


def _contribution(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
    if raw not in Contribution.values:
        raise InvalidInput("contribution: not a known value.", details={"contribution": ["Not a choice."]})
    return records.filter(contributions__contains=[raw])


def _disposition(records: QuerySet[Any], raw: str) -> QuerySet[Any]:
    # "none": alerts not resolved with a disposition yet.
    if raw == "none":
        return records.filter(disposition="")
    return _choice("disposition", Disposition, "disposition")(records, raw)


def _incidents(user: Any) -> QuerySet[Any]:
    effective = Coalesce(NullIf(F("final_call_type"), Value("")), F("call_type"))
    return incident_list_visible_to(user=user).annotate(effective_call_type=effective)


def _shots(user: Any) -> QuerySet[Any]:
    key = Concat(Value("shots:"), Cast("pk", output_field=CharField()), output_field=CharField())
    return shots_list_visible_to(user=user).annotate(alert_key=key)


KINDS: dict[str, DrillKind] = {
    "incidents": DrillKind(
        kind="incidents",
        title="Incidents",
        capability="incidents.read",
        date_field="received_at",
        visible=_incidents,
        filters={
            "beat": _text("beat", "beat"),
            "assisted": _with_flag(_assisted)("assisted"),
            "first_camera": _with_flag(_camera_action)("first_camera"),
        },
        takes_district=True,
        takes_call_type=True,
    ),
    "alerts": DrillKind(
        kind="alerts",
        title="Alerts",
        capability="alerts.read",
        date_field="created_at",
        visible=lambda user: alert_list_visible_to(user=user).select_related("acknowledged_by"),
        filters={
            "type": _choice("type", AlertType, "type"),
            "disposition": _disposition,
            "rule": _id_of("context__rule__id", "rule"),
            "user": _id_of("acknowledged_by_id", "user"),
            "hour": _hour,
        },
    ),
    "hits": DrillKind(
        kind="hits",
        title="LPR hits",
        capability="lpr.read",
        date_field="read_at",
        visible=lambda user: hit_list_visible_to(user=user),
        filters={
            "hotlist_source": _choice("hotlist_source", HotlistSource, "hotlist__source"),
            "status": _choice("status", HitStatus, "status"),
            "outcome": _choice("outcome", HitOutcome, "outcome"),
            "reject_reason": _choice("reject_reason", RejectReason, "reject_reason"),
        },
    ),
    "cases": DrillKind(
        kind="cases",
        title="Cases",
        capability="cases.read",
        date_field="created_at",
        # The case metrics count only cases with an RTCC contribution recorded.
        visible=lambda user: case_list_visible_to(user=user).exclude(contributions=[]),
        filters={"outcome": _choice("outcome", Outcome, "outcome"), "contribution": _contribution},
    ),
    "shots": DrillKind(
        kind="shots",
        title="Shots-fired detections",
        capability="shots.read",
        date_field="detected_at",
        visible=_shots,
        filters={"actioned": _with_flag(_shot_actioned)("actioned")},
        takes_district=True,
    ),
    "cameras": DrillKind(
        kind="cameras",
        title="Cameras",
        capability="cameras.read",
        date_field="created_at",
        visible=lambda user: camera_list_visible_to(user=user),
        filters={
            "tier": _choice("tier", AccessTier, "tier"),
            "owner_type": _choice("owner_type", OwnerType, "owner_type"),
            "status": _choice("status", CameraStatus, "status"),
        },
    ),
}


def may_drill(user: Any, kind: str) -> bool:
    """Drill-down needs the metrics and the record kind's own read capability."""
    spec = KINDS.get(kind)
    return spec is not None and has_capability(user, "metrics.drill") and has_capability(user, spec.capability)


def drill_params(metric_filter: MetricFilter, kind: str, row_filters: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters of a row's drill link: the dashboard range (and district / call types where
    the kind takes them), overridden by the row's own filters."""
    spec = KINDS[kind]
    params = {"start": metric_filter.start.isoformat(), "end": metric_filter.end.isoformat()}
    merged: dict[str, Any] = dict(params)
    if spec.takes_district and metric_filter.district:
        merged["district"] = metric_filter.district
    if spec.takes_call_type and metric_filter.call_types:
        merged["call_type"] = list(metric_filter.call_types)
    for name, value in row_filters.items():
        merged[name] = NO_DISTRICT if name == "district" and value == "" else str(value)
    return merged


def _one(params: QueryDict, name: str) -> str:
    return str(params.get(name) or "")


def _local_day(raw: str, name: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}: use a date like 2026-11-01.", details={name: ["Enter a valid date."]}) from None
    _check_year(value.year, name)
    return value


def _check_year(year: int, name: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidInput(
            f"{name}: must be between {EARLIEST_YEAR} and {LATEST_YEAR}.", details={name: ["Out of range."]}
        )


def _instant(raw: str, name: str, *, end: bool) -> dt.datetime:
    """A local day (`to` includes it) or an ISO date-time (naive = agency time)."""
    if len(raw) <= 10:
        day = _local_day(raw, name) + dt.timedelta(days=1 if end else 0)
        return dt.datetime.combine(day, dt.time.min, tzinfo=agency_zone())
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}: use a date or date-time.", details={name: ["Enter a valid date."]}) from None
    _check_year(value.year, name)
    return value if value.tzinfo else value.replace(tzinfo=agency_zone())


def parse_drill(kind: str, params: QueryDict) -> DrillQuery:
    """Validate the query string of a drill page; unknown keys and bad values raise InvalidInput."""
    spec = KINDS[kind]
    allowed = RANGE_KEYS | set(spec.filters)
    allowed |= {"district"} if spec.takes_district else set()
    allowed |= {"call_type"} if spec.takes_call_type else set()
    for name in params:
        if name not in allowed:
            raise InvalidInput(f"{name}: not a filter of {kind}.", details={name: ["Unknown filter."]})
    for name in params:
        if name != "call_type" and len(params.getlist(name)) > 1:
            raise InvalidInput(f"{name}: give it once.", details={name: ["Repeated."]})
    metric_filter = parse_filter(params)
    since, until = metric_filter.since, metric_filter.until
    if params.get("all_dates") and _flag(_one(params, "all_dates"), "all_dates"):
        since = dt.datetime(EARLIEST_YEAR, 1, 1, tzinfo=agency_zone())
        until = dt.datetime(LATEST_YEAR + 1, 1, 1, tzinfo=agency_zone())
    if params.get("day"):
        day = _local_day(_one(params, "day"), "day")
        since = max(since, dt.datetime.combine(day, dt.time.min, tzinfo=agency_zone()))
        until = min(until, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=agency_zone()))
    if params.get("from"):
        since = max(since, _instant(_one(params, "from"), "from", end=False))
    if params.get("to"):
        until = min(until, _instant(_one(params, "to"), "to", end=True))
    filters = {name: _one(params, name) for name in params if name in spec.filters}
    return DrillQuery(
        kind=spec,
        metric_filter=metric_filter,
        filters=filters,
        since=since,
        until=until,
        page=_whole(_one(params, "page") or "1", "page", high=MAX_PAGE),
    )


def drill_records(*, user: Any, query: DrillQuery) -> QuerySet[Any]:
    """The records of the query the user may see, newest first."""
    spec = query.kind
    date = spec.date_field
    records = spec.visible(user).filter(**{f"{date}__gte": query.since, f"{date}__lt": query.until})
    flt = query.metric_filter
    if spec.takes_district and flt.district:
        records = _text("district", "district")(records, flt.district)
    if spec.takes_call_type and flt.call_types:
        records = records.filter(effective_call_type__in=flt.call_types)
    for name, raw in query.filters.items():
        records = spec.filters[name](records, raw)
    return records.order_by(f"-{date}", "-pk")


def drill_page(*, user: Any, query: DrillQuery, raw_filters: Mapping[str, Any]) -> tuple[list[Any], bool]:
    """One page of records (and whether there is another), recorded in the audit trail as it is read."""
    if not may_drill(user, query.kind.kind):
        raise PermissionDenied("Your role does not give access to these records.")
    offset = (query.page - 1) * PAGE_ROWS
    with transaction.atomic(durable=True):
        records = list(drill_records(user=user, query=query)[offset : offset + PAGE_ROWS + 1])
        shown = records[:PAGE_ROWS]
        details = {"kind": query.kind.kind, "filters": dict(raw_filters), "page": query.page, "shown": len(shown)}
        audit_record(actor=user, action="analytics.drill", object_ref=f"analytics:{query.kind.kind}", details=details)
        if query.kind.kind == "hits":  # reading hits is a read of plate data, like the hit list API
            audit_record(
                actor=user,
                action="lpr.hits.list",
                object_ref="lpr_hit",
                details={"shown": len(shown), "filters": dict(raw_filters), "via": "analytics.drill"},
            )
    return shown, len(records) > PAGE_ROWS
