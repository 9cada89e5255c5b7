"""Shots-fired detections: how many got an RTCC action, and how soon a camera was looked at.

Read live from the detections table (thousands a year, not millions) and the small tables of
alerts, case links, case log entries and footage requests, joined by key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from analytics.filters import MetricFilter
from analytics.metrics import MetricFn
from analytics.metrics.common import (
    ALL,
    bucket_filters,
    buckets,
    district_label,
    fetch,
    rounded,
    share,
    sum_by_bucket,
)
from analytics.tables import Chart, Column, Drill, Row, Table

NOTE = "Read live from detections, alerts, cases and footage requests. Call-type filters do not apply to detections."

# The detection's shots_fired alert (source key "shots:<id>", shots/services.py) acknowledged by someone;
# a case linking the detection or its incident; a footage request for its incident.
ACTIONED = """(
    EXISTS (SELECT 1 FROM alerts_alert a
            WHERE a.type = 'shots_fired' AND a.source_key = 'shots:' || s.id AND a.acknowledged_by_id IS NOT NULL)
    OR EXISTS (SELECT 1 FROM cases_caselink l
               WHERE (l.kind = 'shots' AND l.object_id = s.id) OR (l.kind = 'incident' AND l.object_id = s.incident_id))
    OR EXISTS (SELECT 1 FROM cameras_footagerequest f WHERE f.incident_id = s.incident_id)
)"""

ACTIONED_DEFINITION = (
    "Shots-fired detections by the local day they were detected; a detection has an RTCC action when its "
    "shots-fired alert was acknowledged by someone, a case links the detection or its incident, or a footage "
    "request exists for its incident."
)


def _where(flt: MetricFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["s.detected_at >= %(since)s", "s.detected_at < %(until)s"]
    params: dict[str, Any] = {"since": flt.since, "until": flt.until, "tz": settings.TIME_ZONE}
    if flt.district:
        clauses.append("s.district = %(district)s")
        params["district"] = flt.district
    return " AND ".join(clauses), params


def actioned_over_time(flt: MetricFilter) -> Table:
    where, params = _where(flt)
    sql = f"""
        SELECT (s.detected_at AT TIME ZONE %(tz)s)::date, count(*), count(*) FILTER (WHERE {ACTIONED})
        FROM shots_shotsfired s WHERE {where} GROUP BY 1
    """  # noqa: S608 - constant fragments; values are bound
    result = fetch(sql, params)
    detections: dict[dt.date, int] = {day: int(n) for day, n, _ in result}
    actioned: dict[dt.date, int] = {day: int(a) for day, _, a in result}
    rows = []
    for (first, last), n, a in zip(
        buckets(flt), sum_by_bucket(flt, detections), sum_by_bucket(flt, actioned), strict=True
    ):
        drill = Drill("shots", {**bucket_filters(flt, first, last), "actioned": "1"})
        rows.append(Row({"date": first, "detections": n, "actioned": a, "share": share(a, n)}, drill=drill))
    return Table(
        key="shots_actioned_over_time",
        title=f"Shots fired with an RTCC action, by {flt.bucket}",
        definition=ACTIONED_DEFINITION,
        columns=[
            Column("date", "From", "date"),
            Column("detections", "Detections", "int"),
            Column("actioned", "With an RTCC action", "int"),
            Column("share", "Actioned %", "pct"),
        ],
        rows=rows,
        chart=Chart("bar", "date", ("detections", "actioned")),
        note=NOTE,
    )


FIRST_CAMERA_SQL = """
WITH shot AS (
    SELECT s.id, s.district, s.detected_at, s.incident_id FROM shots_shotsfired s WHERE {where}
), shot_cases AS (
    SELECT sh.id AS shot_id, l.case_id FROM shot sh
    JOIN cases_caselink l
      ON (l.kind = 'shots' AND l.object_id = sh.id) OR (l.kind = 'incident' AND l.object_id = sh.incident_id)
), actions AS (
    SELECT sh.id AS shot_id, f.requested_at AS at
    FROM shot sh JOIN cameras_footagerequest f ON f.incident_id = sh.incident_id
    UNION ALL
    SELECT c.shot_id, e.action_at
    FROM shot_cases c JOIN cases_caselogentry e ON e.case_id = c.case_id AND e.kind = 'camera_reviewed'
    UNION ALL
    SELECT c.shot_id, k.added_at
    FROM shot_cases c JOIN cases_caselink k ON k.case_id = c.case_id AND k.kind = 'camera'
), firsts AS (
    SELECT sh.district, EXTRACT(EPOCH FROM min(a.at) - sh.detected_at) AS seconds
    FROM shot sh JOIN actions a ON a.shot_id = sh.id
    WHERE a.at >= sh.detected_at
    GROUP BY sh.id, sh.district, sh.detected_at
)
SELECT district, GROUPING(district), count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
FROM firsts GROUP BY ROLLUP (district)
"""


def first_camera_by_district(flt: MetricFilter) -> Table:
    where, params = _where(flt)
    result = fetch(FIRST_CAMERA_SQL.format(where=where), params)
    per_district = sorted((r for r in result if not r[1]), key=lambda r: (-r[2], r[0]))
    rows = [_row(district_label(r[0]), r, {"district": r[0], "actioned": "1"}) for r in per_district]
    rows += [_row(ALL, r, {"actioned": "1"}) for r in result if r[1] and r[2]]
    return Table(
        key="shots_first_camera_by_district",
        title="Shots fired: time to first camera action",
        definition=(
            "For detections in the range, the time from detection to the first camera action: a footage request "
            "for its incident, or a 'camera reviewed' log entry or camera link in a case linking the detection or "
            "its incident; actions before the detection are ignored. Median and 90th percentile (interpolated)."
        ),
        columns=[
            Column("district", "District"),
            Column("detections", "Detections with a camera action", "int"),
            Column("median", "Median", "seconds"),
            Column("p90", "90th percentile", "seconds"),
        ],
        rows=rows,
        note=NOTE,
    )


def _row(label: str, result: tuple[Any, ...], filters: dict[str, str]) -> Row:
    values = {"district": label, "detections": int(result[2]), "median": rounded(result[3]), "p90": rounded(result[4])}
    return Row(values, drill=Drill("shots", filters))


TABLES: list[MetricFn] = [actioned_over_time, first_camera_by_district]
