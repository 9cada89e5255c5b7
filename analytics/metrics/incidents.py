"""RTCC assists (incidents linked by a case) and time to first camera action, per call type, district, time.

Incident and assisted counts come from the `IncidentDaily` rollup (analytics/rollups.py; a new case
link shows at the next refresh, within minutes); camera actions are read live from the small tables
(case links, case log, footage requests), joined to incidents by primary key, so no query scans the
incident table by date alone.

Helpers shared with the other metric modules (time buckets, the rollup note, the live incident
filter) are in analytics/metrics/common.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Sum

from analytics.filters import MetricFilter
from analytics.metrics import MetricFn
from analytics.metrics.common import (
    ALL,
    EFFECTIVE_CALL_TYPE,
    bucket_filters,
    buckets,
    district_label,
    fetch,
    incident_where,
    rollup_note,
    rollup_rows,
    rounded,
    share,
    sum_by_bucket,
)
from analytics.tables import Chart, Column, Drill, Row, Table

# Every (incident, camera action) pair from the range's start on (an earlier action cannot follow the
# receipt of an incident received in the range): a footage request for the incident; a "camera
# reviewed" log entry, or a camera link, in a case that links the incident. Small tables only.
INCIDENT_CAMERA_ACTIONS = """
SELECT f.incident_id AS incident_id, f.requested_at AS at
FROM cameras_footagerequest f WHERE f.incident_id IS NOT NULL AND f.requested_at >= %(since)s
UNION ALL
SELECT l.object_id, e.action_at
FROM cases_caselink l JOIN cases_caselogentry e ON e.case_id = l.case_id AND e.kind = 'camera_reviewed'
WHERE l.kind = 'incident' AND e.action_at >= %(since)s
UNION ALL
SELECT l.object_id, c.added_at
FROM cases_caselink l JOIN cases_caselink c ON c.case_id = l.case_id AND c.kind = 'camera'
WHERE l.kind = 'incident' AND c.added_at >= %(since)s
"""


# --- assists -------------------------------------------------------------------------------------

ASSISTS_DEFINITION = (
    "An incident is assisted when at least one RTCC case links it; incidents are counted by the local day "
    "they were received and their effective call type (the final call type when the CAD reclassified the call)."
)


def _sums(flt: MetricFilter, group: str) -> tuple[dict[Any, int], dict[Any, int]]:
    """Incidents and assisted incidents per `group` (a rollup column), from the rollup."""
    found = rollup_rows(flt).values(group).annotate(n=Sum("incidents"), a=Sum("assisted"))
    return {r[group]: int(r["n"]) for r in found}, {r[group]: int(r["a"]) for r in found}


def _assist_rows(
    keys: Iterable[str], counts: dict[str, int], assisted: dict[str, int], drill_key: str, label: Any
) -> list[Row]:
    ordered = sorted(set(keys), key=lambda k: (-counts.get(k, 0), k))
    rows = []
    for key in ordered:
        n, a = counts.get(key, 0), assisted.get(key, 0)
        # An empty district drills as "(none)": analytics/drill.py selects the records without one.
        drill = Drill("incidents", {drill_key: key, "assisted": "1"})
        rows.append(Row({"label": label(key), "incidents": n, "assisted": a, "share": share(a, n)}, drill=drill))
    return rows


def _assist_columns(label: str) -> list[Column]:
    return [
        Column("label", label),
        Column("incidents", "Incidents", "int"),
        Column("assisted", "Assisted", "int"),
        Column("share", "Assisted %", "pct"),
    ]


def assists_by_call_type(flt: MetricFilter) -> Table:
    counts, assisted = _sums(flt, "call_type")
    return Table(
        key="incidents_assists_by_call_type",
        title="RTCC assists by call type",
        definition=ASSISTS_DEFINITION,
        columns=_assist_columns("Call type"),
        rows=_assist_rows([*counts, *assisted], counts, assisted, "call_type", str),
        chart=Chart("bar", "label", ("incidents", "assisted")),
        note=rollup_note(),
    )


def assists_by_district(flt: MetricFilter) -> Table:
    counts, assisted = _sums(flt, "district")
    return Table(
        key="incidents_assists_by_district",
        title="RTCC assists by district",
        definition=ASSISTS_DEFINITION,
        columns=_assist_columns("District"),
        rows=_assist_rows([*counts, *assisted], counts, assisted, "district", district_label),
        chart=Chart("bar", "label", ("incidents", "assisted")),
        note=rollup_note(),
    )


def assists_over_time(flt: MetricFilter) -> Table:
    per_day, assisted_per_day = _sums(flt, "day")
    rows = []
    for (first, last), n, a in zip(
        buckets(flt), sum_by_bucket(flt, per_day), sum_by_bucket(flt, assisted_per_day), strict=True
    ):
        drill = Drill("incidents", {**bucket_filters(flt, first, last), "assisted": "1"})
        rows.append(Row({"date": first, "incidents": n, "assisted": a, "share": share(a, n)}, drill=drill))
    return Table(
        key="incidents_assists_over_time",
        title=f"RTCC assists by {flt.bucket}",
        definition=ASSISTS_DEFINITION + " Each row is a day, week (from Monday) or month, cut to the range.",
        columns=[
            Column("date", "From", "date"),
            Column("incidents", "Incidents", "int"),
            Column("assisted", "Assisted", "int"),
            Column("share", "Assisted %", "pct"),
        ],
        rows=rows,
        chart=Chart("line", "date", ("incidents", "assisted")),
        note=rollup_note(),
    )


# --- time to first camera ------------------------------------------------------------------------


def first_camera_by_call_type(flt: MetricFilter) -> Table:
    where, params = incident_where(flt)
    sql = f"""
        WITH actions AS MATERIALIZED ({INCIDENT_CAMERA_ACTIONS}),
        firsts AS (
            SELECT {EFFECTIVE_CALL_TYPE} AS call_type,
                   EXTRACT(EPOCH FROM min(a.at) - i.received_at) AS seconds
            FROM actions a JOIN incidents_incident i ON i.id = a.incident_id
            WHERE a.at >= i.received_at AND {where}
            GROUP BY i.id
        )
        SELECT call_type, count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
        FROM firsts GROUP BY ROLLUP (call_type)
    """  # noqa: S608 - constant fragments; values are bound
    result = fetch(sql, params)
    per_type = sorted((r for r in result if r[0] is not None), key=lambda r: (-r[1], r[0]))
    total = [r for r in result if r[0] is None]
    rows = [_camera_row(r[0], r, {"call_type": r[0], "first_camera": "1"}) for r in per_type]
    rows += [_camera_row(ALL, r, {"first_camera": "1"}) for r in total if r[1]]
    return Table(
        key="incidents_first_camera_by_call_type",
        title="Time to first camera action",
        definition=(
            "For incidents received in the range, the time from receipt to the first camera action: a footage "
            "request for the incident, a 'camera reviewed' log entry or a camera link in a case linking it; "
            "actions before the call was received are ignored. Median and 90th percentile (interpolated)."
        ),
        columns=[
            Column("call_type", "Call type"),
            Column("incidents", "Incidents with a camera action", "int"),
            Column("median", "Median", "seconds"),
            Column("p90", "90th percentile", "seconds"),
        ],
        rows=rows,
        note="Read live from footage requests and case records.",
    )


def _camera_row(label: str, result: Sequence[Any], filters: dict[str, str]) -> Row:
    values = {"call_type": label, "incidents": int(result[1]), "median": rounded(result[2]), "p90": rounded(result[3])}
    return Row(values, drill=Drill("incidents", filters))


TABLES: list[MetricFn] = [assists_by_call_type, assists_by_district, assists_over_time, first_camera_by_call_type]
