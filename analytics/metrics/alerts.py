"""Alert volume, analyst response and dispositions: read live from `alerts_alert` (a small table).

Every table counts the alerts *created* in the range (local days in the agency's time zone). The
district and call-type filters do not apply: an alert has no district or call type of its own.
Durations are in seconds; medians and 90th percentiles are PostgreSQL's `percentile_cont`
(interpolated between the two nearest values).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate

from alerts.choices import AlertStatus, AlertType, Disposition
from alerts.models import Alert
from analytics.filters import MetricFilter, agency_zone
from analytics.metrics import MetricFn
from analytics.metrics.common import ALL, bucket_filters, buckets, fetch, rounded, share, sum_by_bucket
from analytics.tables import Chart, Column, Drill, Row, Table

NOTE = "Read live from the alerts. The district and call-type filters do not apply to alerts."
UNKNOWN_RULE = "(rule not recorded)"
# Dispositions a person chooses when resolving; "system" means the source cleared by itself.
PERSON_DISPOSITIONS = (
    Disposition.ACTIONABLE,
    Disposition.BENIGN,
    Disposition.FALSE_POSITIVE,
    Disposition.UNDETERMINED,
)
ALL_DISPOSITIONS = (*PERSON_DISPOSITIONS, Disposition.SYSTEM)

IN_RANGE = "a.created_at >= %(since)s AND a.created_at < %(until)s"
ACK_SECONDS = "EXTRACT(EPOCH FROM a.acknowledged_at - a.created_at)::float8"
# Time to resolve counts only alerts a person resolved (a source clearing itself is not a response).
RESOLVE_SECONDS = (
    "CASE WHEN a.status = 'resolved' AND a.disposition <> 'system' "
    "THEN EXTRACT(EPOCH FROM a.resolved_at - a.created_at)::float8 END"
)
DISPOSITION_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE a.status = 'resolved' AND a.disposition = '{d.value}')" for d in ALL_DISPOSITIONS
)


def _params(flt: MetricFilter) -> dict[str, Any]:
    return {"since": flt.since, "until": flt.until}


def _in_range(flt: MetricFilter) -> QuerySet[Alert]:
    return Alert.objects.filter(created_at__gte=flt.since, created_at__lt=flt.until)


def type_label(value: str | None) -> str:
    if value is None:
        return ALL
    return AlertType(value).label if value in AlertType.values else value


# --- volume --------------------------------------------------------------------------------------


def alerts_by_hour(flt: MetricFilter) -> Table:
    counts = {
        int(r["hour"]): int(r["n"])
        for r in _in_range(flt)
        .annotate(hour=ExtractHour("created_at", tzinfo=agency_zone()))
        .values("hour")
        .annotate(n=Count("id"))
    }
    rows = [
        Row({"hour": f"{hour:02d}:00", "alerts": counts.get(hour, 0)}, drill=Drill("alerts", {"hour": str(hour)}))
        for hour in range(24)
    ]
    return Table(
        key="alerts_by_hour",
        title="Alerts by hour of day",
        definition=(
            f"Alerts created in the range, by the hour of the day they were created in agency time "
            f"({settings.TIME_ZONE}); 00:00 is midnight to 00:59."
        ),
        columns=[Column("hour", "Hour"), Column("alerts", "Alerts", "int")],
        rows=rows,
        chart=Chart("bar", "hour", ("alerts",)),
        note=NOTE,
    )


def alerts_over_time(flt: MetricFilter) -> Table:
    per_day = (
        _in_range(flt)
        .annotate(day=TruncDate("created_at", tzinfo=agency_zone()))
        .values("day")
        .annotate(
            n=Count("id"),
            actionable=Count("id", filter=Q(status=AlertStatus.RESOLVED, disposition=Disposition.ACTIONABLE)),
        )
    )
    totals = sum_by_bucket(flt, {r["day"]: int(r["n"]) for r in per_day})
    actionable = sum_by_bucket(flt, {r["day"]: int(r["actionable"]) for r in per_day})
    rows = [
        Row({"date": first, "alerts": n, "actionable": a}, drill=Drill("alerts", bucket_filters(flt, first, last)))
        for (first, last), n, a in zip(buckets(flt), totals, actionable, strict=True)
    ]
    return Table(
        key="alerts_over_time",
        title=f"Alerts by {flt.bucket}",
        definition=(
            "Alerts created in each day, week (from Monday) or month of the range, in agency time; actionable = "
            "resolved by a person as actionable."
        ),
        columns=[
            Column("date", "From", "date"),
            Column("alerts", "Alerts", "int"),
            Column("actionable", "Actionable", "int"),
        ],
        rows=rows,
        chart=Chart("line", "date", ("alerts", "actionable")),
        note=NOTE,
    )


# --- analysts ------------------------------------------------------------------------------------


def alerts_by_analyst(flt: MetricFilter) -> Table:
    # One narrow row per acknowledgement and per resolution, grouped by user, then named.
    sql = f"""
        SELECT u.id, u.username, g.acked, g.median, g.resolved
        FROM (
            SELECT x.user_id, sum(x.acked) AS acked, sum(x.resolved) AS resolved,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY x.seconds) AS median
            FROM (
                SELECT a.acknowledged_by_id AS user_id, 1 AS acked, 0 AS resolved, {ACK_SECONDS} AS seconds
                FROM alerts_alert a
                WHERE {IN_RANGE} AND a.acknowledged_by_id IS NOT NULL AND a.acknowledged_at IS NOT NULL
                UNION ALL
                SELECT a.resolved_by_id, 0, 1, NULL
                FROM alerts_alert a WHERE {IN_RANGE} AND a.resolved_by_id IS NOT NULL AND a.status = 'resolved'
            ) x
            GROUP BY x.user_id
        ) g JOIN auth_user u ON u.id = g.user_id
        ORDER BY 3 DESC, 5 DESC, 2
    """  # noqa: S608 - constant fragments; values are bound
    rows = [
        Row(
            {"user": username, "acknowledged": int(acked), "median_ack": rounded(median), "resolved": int(resolved)},
            # The drill lists the alerts the user acknowledged.
            drill=Drill("alerts", {"user": str(user_id)}) if acked else None,
        )
        for user_id, username, acked, median, resolved in fetch(sql, _params(flt))
    ]
    return Table(
        key="alerts_by_analyst",
        title="Alerts by analyst",
        definition=(
            "For alerts created in the range: how many each user acknowledged and resolved, and the median time "
            "from creation to their acknowledgement; resolving an unacknowledged alert acknowledges it too."
        ),
        columns=[
            Column("user", "User"),
            Column("acknowledged", "Acknowledged", "int"),
            Column("median_ack", "Median time to acknowledge", "seconds"),
            Column("resolved", "Resolved", "int"),
        ],
        rows=rows,
        chart=Chart("bar", "user", ("acknowledged", "resolved")),
        note=NOTE,
    )


# --- response times ------------------------------------------------------------------------------


def alerts_response_times(flt: MetricFilter) -> Table:
    # Durations in seconds per alert, then the percentiles per type and over all types (ROLLUP).
    sql = f"""
        SELECT d.type, count(*), count(d.ack),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ack),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY d.ack),
               count(d.res),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY d.res),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY d.res)
        FROM (
            SELECT a.type, {ACK_SECONDS} AS ack, {RESOLVE_SECONDS} AS res
            FROM alerts_alert a WHERE {IN_RANGE}
        ) d
        GROUP BY ROLLUP (d.type)
    """  # noqa: S608 - constant fragments; values are bound
    result = fetch(sql, _params(flt))
    per_type = sorted((r for r in result if r[0] is not None), key=lambda r: (-r[1], type_label(r[0])))
    total = [r for r in result if r[0] is None and r[1]]
    rows = []
    for r in [*per_type, *total]:
        values = {
            "type": type_label(r[0]),
            "alerts": int(r[1]),
            "acknowledged": int(r[2]),
            "ack_median": rounded(r[3]),
            "ack_p90": rounded(r[4]),
            "resolved": int(r[5]),
            "resolve_median": rounded(r[6]),
            "resolve_p90": rounded(r[7]),
        }
        rows.append(Row(values, drill=Drill("alerts", {"type": r[0]} if r[0] else {})))
    return Table(
        key="alerts_response_times",
        title="Time to acknowledge and resolve",
        definition=(
            "For alerts created in the range, per type: time to acknowledge = acknowledged at minus created at "
            "(acknowledged alerts); time to resolve = resolved at minus created at (alerts resolved by a person, "
            "not those cleared by their source). Median and 90th percentile, interpolated."
        ),
        columns=[
            Column("type", "Alert type"),
            Column("alerts", "Alerts", "int"),
            Column("acknowledged", "Acknowledged", "int"),
            Column("ack_median", "Median to acknowledge", "seconds"),
            Column("ack_p90", "90th pct to acknowledge", "seconds"),
            Column("resolved", "Resolved by a person", "int"),
            Column("resolve_median", "Median to resolve", "seconds"),
            Column("resolve_p90", "90th pct to resolve", "seconds"),
        ],
        rows=rows,
        note=NOTE,
    )


# --- dispositions --------------------------------------------------------------------------------

DISPOSITIONS_DEFINITION = (
    "{subject} created in the range by how they were resolved: actionable, benign, false positive and "
    "undetermined are a person's dispositions, system = cleared by the source; open = not resolved yet. "
    "Actionable % = actionable / alerts resolved by a person.{extra}"
)


def _disposition_columns(label: str) -> list[Column]:
    return [
        Column("label", label),
        Column("alerts", "Alerts", "int"),
        *[Column(d.value, d.label, "int") for d in ALL_DISPOSITIONS],
        Column("open", "Open", "int"),
        Column("actionable_share", "Actionable %", "pct"),
    ]


def _disposition_values(label: str, alerts: int, counts: list[int]) -> dict[str, Any]:
    by_value = dict(zip((d.value for d in ALL_DISPOSITIONS), counts, strict=True))
    by_person = sum(by_value[d.value] for d in PERSON_DISPOSITIONS)
    return {
        "label": label,
        "alerts": alerts,
        **by_value,
        "open": alerts - sum(counts),
        "actionable_share": share(by_value[Disposition.ACTIONABLE.value], by_person),
    }


def _disposition_chart() -> Chart:
    return Chart("bar", "label", tuple(d.value for d in ALL_DISPOSITIONS), stacked=True)


def alerts_dispositions_by_type(flt: MetricFilter) -> Table:
    sql = f"""
        SELECT a.type, count(*), {DISPOSITION_COUNTS}
        FROM alerts_alert a WHERE {IN_RANGE}
        GROUP BY ROLLUP (a.type)
    """  # noqa: S608 - constant fragments; values are bound
    result = fetch(sql, _params(flt))
    per_type = sorted((r for r in result if r[0] is not None), key=lambda r: (-r[1], type_label(r[0])))
    total = [r for r in result if r[0] is None and r[1]]
    rows = [
        Row(
            _disposition_values(type_label(r[0]), int(r[1]), [int(n) for n in r[2:]]),
            drill=Drill("alerts", {"type": r[0]} if r[0] else {}),
        )
        for r in [*per_type, *total]
    ]
    return Table(
        key="alerts_dispositions_by_type",
        title="Dispositions by alert type",
        definition=DISPOSITIONS_DEFINITION.format(subject="Alerts", extra=""),
        columns=_disposition_columns("Alert type"),
        rows=rows,
        chart=_disposition_chart(),
        note=NOTE,
    )


def alerts_dispositions_by_rule(flt: MetricFilter) -> Table:
    # One row per rule id; the label is the rule's name on its latest alert (a rule may be renamed).
    sql = f"""
        SELECT a.context -> 'rule' ->> 'id',
               (array_agg(a.context -> 'rule' ->> 'name' ORDER BY a.created_at DESC, a.id DESC))[1],
               count(*), {DISPOSITION_COUNTS}
        FROM alerts_alert a WHERE a.type = 'rule_match' AND {IN_RANGE}
        GROUP BY 1
    """  # noqa: S608 - constant fragments; values are bound
    result = sorted(fetch(sql, _params(flt)), key=lambda r: (-r[2], r[1] or "", r[0] or ""))
    rows = []
    for rule_id, name, alerts, *counts in result:
        label = f"{name or UNKNOWN_RULE} (#{rule_id})" if rule_id else UNKNOWN_RULE
        filters = {"type": AlertType.RULE_MATCH.value, **({"rule": str(rule_id)} if rule_id else {})}
        rows.append(
            Row(_disposition_values(label, int(alerts), [int(n) for n in counts]), drill=Drill("alerts", filters))
        )
    return Table(
        key="alerts_dispositions_by_rule",
        title="Dispositions by rule",
        definition=DISPOSITIONS_DEFINITION.format(
            subject="Rule-match alerts", extra=" Grouped by the rule id recorded on the alert."
        ),
        columns=_disposition_columns("Rule"),
        rows=rows,
        chart=_disposition_chart(),
        note=NOTE,
    )


TABLES: list[MetricFn] = [
    alerts_over_time,
    alerts_by_hour,
    alerts_response_times,
    alerts_by_analyst,
    alerts_dispositions_by_type,
    alerts_dispositions_by_rule,
]
