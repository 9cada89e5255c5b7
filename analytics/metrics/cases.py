"""Case outcomes attributed to RTCC contributions (cases are few: read live)."""

from __future__ import annotations

from typing import Any

from analytics.filters import MetricFilter
from analytics.metrics import MetricFn
from analytics.metrics.common import EFFECTIVE_CALL_TYPE, fetch, share
from analytics.tables import Chart, Column, Drill, Row, Table
from cases.choices import Contribution, Outcome

# Display order: the results first, "unknown" (not recorded yet) last.
OUTCOMES = (Outcome.ARREST, Outcome.RECOVERY, Outcome.MISSING_PERSON_FOUND, Outcome.NO_OUTCOME, Outcome.UNKNOWN)

DEFINITION = (
    "Cases opened in the range with at least one RTCC contribution recorded, by outcome; with a district or "
    "call-type filter, only cases linking at least one incident of that district and effective call type."
)
# A case passes the district / call-type filter through one linked incident matching all of it.
LINKS_MATCHING_INCIDENT = """EXISTS (
    SELECT 1 FROM cases_caselink l JOIN incidents_incident i ON i.id = l.object_id
    WHERE l.case_id = c.id AND l.kind = 'incident' AND {matching}
)"""
NOTE = "Read live from cases. District and call type apply through the incidents a case links."


def _where(flt: MetricFilter) -> tuple[str, dict[str, Any]]:
    clauses = ["c.created_at >= %(since)s", "c.created_at < %(until)s", "cardinality(c.contributions) > 0"]
    params: dict[str, Any] = {"since": flt.since, "until": flt.until}
    incident: list[str] = []
    if flt.district:
        incident.append("i.district = %(district)s")
        params["district"] = flt.district
    if flt.call_types:
        incident.append(f"{EFFECTIVE_CALL_TYPE} = ANY(%(call_types)s)")
        params["call_types"] = list(flt.call_types)
    if incident:
        matching = " AND ".join(incident)
        clauses.append(LINKS_MATCHING_INCIDENT.format(matching=matching))
    return " AND ".join(clauses), params


def outcomes(flt: MetricFilter) -> Table:
    where, params = _where(flt)
    counts = dict(fetch(f"SELECT c.outcome, count(*) FROM cases_case c WHERE {where} GROUP BY 1", params))  # noqa: S608
    total = sum(int(counts.get(o, 0)) for o in OUTCOMES)
    rows = [
        Row(
            {"outcome": o.label, "cases": int(counts.get(o, 0)), "share": share(int(counts.get(o, 0)), total)},
            drill=Drill("cases", {"outcome": o.value}),
        )
        for o in OUTCOMES
    ]
    return Table(
        key="cases_outcomes",
        title="Outcomes of cases with an RTCC contribution",
        definition=DEFINITION,
        columns=[Column("outcome", "Outcome"), Column("cases", "Cases", "int"), Column("share", "Share", "pct")],
        rows=rows,
        chart=Chart("doughnut", "outcome", ("cases",)),
        note=NOTE,
    )


def contribution_outcomes(flt: MetricFilter) -> Table:
    where, params = _where(flt)
    sql = f"""
        SELECT x.contribution, c.outcome, count(DISTINCT c.id)
        FROM cases_case c CROSS JOIN LATERAL unnest(c.contributions) AS x(contribution)
        WHERE {where} GROUP BY 1, 2
    """  # noqa: S608 - constant fragments; values are bound
    counts = {(contribution, outcome): int(n) for contribution, outcome, n in fetch(sql, params)}
    rows = []
    for contribution in Contribution:
        values: dict[str, Any] = {"contribution": contribution.label}
        values.update({o.value: counts.get((contribution.value, o.value), 0) for o in OUTCOMES})
        # Each case has one outcome, so the cases with this contribution are the sum over outcomes.
        values["total"] = sum(n for (c, _), n in counts.items() if c == contribution.value)
        rows.append(Row(values, drill=Drill("cases", {"contribution": contribution.value})))
    return Table(
        key="cases_contribution_outcomes",
        title="Outcomes by RTCC contribution",
        definition=(
            DEFINITION + " A case with several contributions counts once in each of their rows, so the rows "
            "add up to more than the cases."
        ),
        columns=[
            Column("contribution", "Contribution"),
            *(Column(o.value, o.label, "int") for o in OUTCOMES),
            Column("total", "Cases", "int"),
        ],
        rows=rows,
        chart=Chart("bar", "contribution", tuple(o.value for o in OUTCOMES), stacked=True),
        note=NOTE,
    )


TABLES: list[MetricFn] = [outcomes, contribution_outcomes]
