"""Plate-reader figures: the read-to-outcome funnel, outcomes, misreads, hotlist sources, reads over time.

Read counts come only from the `ReadDaily` rollup (analytics/rollups.py): `lpr_read` holds tens
of millions of rows and is never counted here. Hits are few, so they are aggregated live from
`lpr_hit`, by the local day of `read_at` (when the plate was read, as the rollup counts reads).
The district and call-type filters do not apply: reads and hits carry no district.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.filters import MetricFilter, agency_zone, local_today
from analytics.metrics import MetricFn
from analytics.metrics.common import ALL, bucket_filters, buckets, share, sum_by_bucket
from analytics.models import ReadDaily, RollupRun
from analytics.rollups import READS
from analytics.tables import Chart, Column, Drill, Row, Table
from lpr.choices import HitOutcome, HitStatus, HotlistSource, RejectReason
from lpr.models import Hit
from lpr.retention import read_retention_days

NOT_APPLIED = "The district and call-type filters do not apply to plate readers."
HITS_NOTE = f"Hits read live. {NOT_APPLIED}"
LOCATED = (HitOutcome.STOP, HitOutcome.RECOVERED, HitOutcome.ARREST)


def hits_in_range(flt: MetricFilter) -> QuerySet[Hit]:
    return Hit.objects.filter(read_at__gte=flt.since, read_at__lt=flt.until)


def hit_groups(flt: MetricFilter) -> list[dict[str, Any]]:
    """Hits of the range counted per hotlist source, status, reject reason and outcome: one small GROUP BY
    (at most a few hundred rows) from which every hit figure below is summed."""
    grouped = hits_in_range(flt).values("hotlist__source", "status", "reject_reason", "outcome")
    return [dict(g) for g in grouped.annotate(n=Count("id")).order_by()]


def hit_counts(groups: list[dict[str, Any]], source: str | None = None) -> dict[str, int]:
    """The figures of one source (None = all): hits, verified by a person, actionable, located, rejected,
    per reject reason (`reason_<value>`), per outcome of actionable hits (`outcome_<value>`), no outcome."""
    counts: dict[str, int] = dict.fromkeys(
        [
            "hits", "verified", "actionable", "located", "rejected", "no_outcome",
            *[f"reason_{r.value}" for r in RejectReason],
            *[f"outcome_{o.value}" for o in HitOutcome],
        ],
        0,
    )  # fmt: skip
    for g in groups:
        if source is not None and g["hotlist__source"] != source:
            continue
        n, status = int(g["n"]), g["status"]
        counts["hits"] += n
        if status != HitStatus.UNVERIFIED:
            counts["verified"] += n
        if status == HitStatus.REJECTED:
            counts["rejected"] += n
            if g["reject_reason"] in RejectReason.values:
                counts[f"reason_{g['reject_reason']}"] += n
        if status == HitStatus.ACTIONABLE:
            counts["actionable"] += n
            outcome = g["outcome"]
            if outcome in HitOutcome.values:
                counts[f"outcome_{outcome}"] += n
            elif not outcome:
                counts["no_outcome"] += n
            if outcome in LOCATED:
                counts["located"] += n
    return counts


def _rollup_rows(flt: MetricFilter) -> QuerySet[ReadDaily]:
    return ReadDaily.objects.filter(day__gte=flt.start, day__lte=flt.end)


def reads_per_day(flt: MetricFilter) -> dict[dt.date, int]:
    return {r["day"]: int(r["n"]) for r in _rollup_rows(flt).values("day").annotate(n=Sum("reads"))}


def reads_note(flt: MetricFilter) -> str:
    """When the read rollup was refreshed, and a warning when the range reaches past read retention."""
    run = RollupRun.objects.filter(name=READS).first()
    if run is None:
        note = "Read counts from the rollup, not refreshed yet."
    else:
        at = timezone.localtime(run.refreshed_at, agency_zone())
        note = f"Read counts from the rollup refreshed at {at:%Y-%m-%d %H:%M}."
    kept = read_retention_days()
    if flt.start <= local_today() - dt.timedelta(days=kept):
        note += (
            f" Reads are kept {kept} days; older days show the counts the rollup took before the purge "
            "(none for days purged before the rollup existed)."
        )
    return f"{note} {HITS_NOTE}"


# --- funnel --------------------------------------------------------------------------------------


def lpr_funnel(flt: MetricFilter) -> Table:
    reads = int(_rollup_rows(flt).aggregate(n=Sum("reads"))["n"] or 0)
    t = hit_counts(hit_groups(flt))
    steps: list[tuple[str, int, str, int | None, Drill | None]] = [
        ("Reads", reads, "", None, None),
        ("Hits", t["hits"], "Reads", reads, Drill("hits", {})),
        ("Verified by a person", t["verified"], "Hits", t["hits"], None),
        (
            "Actionable",
            t["actionable"],
            "Verified",
            t["verified"],
            Drill("hits", {"status": HitStatus.ACTIONABLE.value}),
        ),
        ("Located: stop, recovery or arrest", t["located"], "Actionable", t["actionable"], None),
        (
            "Not located (beside the funnel)",
            t[f"outcome_{HitOutcome.NOT_LOCATED.value}"],
            "Actionable",
            t["actionable"],
            Drill("hits", {"outcome": HitOutcome.NOT_LOCATED.value}),
        ),
    ]
    rows = [
        Row({"step": step, "count": n, "share": None if base is None else share(n, base), "of": of}, drill=drill)
        for step, n, of, base, drill in steps
    ]
    return Table(
        key="lpr_funnel",
        title="From read to outcome",
        definition=(
            "Reads in the range (from the rollup) → hits on those days → hits verified by a person (actionable or "
            "rejected) → actionable → actionable hits with an outcome of stop, recovery or arrest; 'not located' "
            "is shown beside the last step. Each share is of the step named in 'Of'."
        ),
        columns=[
            Column("step", "Step"),
            Column("count", "Count", "int"),
            Column("share", "Share", "pct"),
            Column("of", "Of"),
        ],
        rows=rows,
        chart=Chart("bar", "step", ("count",), log_scale=True),
        note=reads_note(flt),
    )


# --- outcomes ------------------------------------------------------------------------------------


def lpr_outcomes(flt: MetricFilter) -> Table:
    t = hit_counts(hit_groups(flt))
    rows = [
        Row(
            {
                "outcome": o.label,
                "hits": t[f"outcome_{o.value}"],
                "share": share(t[f"outcome_{o.value}"], t["actionable"]),
            },
            drill=Drill("hits", {"outcome": o.value}),
        )
        for o in HitOutcome
    ]
    rows.append(
        Row(
            {
                "outcome": "No outcome recorded",
                "hits": t["no_outcome"],
                "share": share(t["no_outcome"], t["actionable"]),
            },
            drill=None,
        )
    )
    return Table(
        key="lpr_outcomes",
        title="Outcomes of actionable hits",
        definition=(
            "Actionable hits read in the range by the outcome recorded on them (or none yet); the share is of all "
            "actionable hits in the range."
        ),
        columns=[
            Column("outcome", "Outcome"),
            Column("hits", "Hits", "int"),
            Column("share", "% of actionable", "pct"),
        ],
        rows=rows,
        chart=Chart("doughnut", "outcome", ("hits",)),
        note=HITS_NOTE,
    )


# --- rejections and misreads ---------------------------------------------------------------------


def lpr_misread_rate(flt: MetricFilter) -> Table:
    t = hit_counts(hit_groups(flt))
    rows = [
        Row(
            {"reason": r.label, "hits": t[f"reason_{r.value}"], "rate": share(t[f"reason_{r.value}"], t["verified"])},
            drill=Drill("hits", {"status": HitStatus.REJECTED.value, "reject_reason": r.value}),
        )
        for r in RejectReason
    ]
    rows.append(
        Row(
            {"reason": "All rejections", "hits": t["rejected"], "rate": share(t["rejected"], t["verified"])},
            drill=Drill("hits", {"status": HitStatus.REJECTED.value}),
        )
    )
    return Table(
        key="lpr_misread_rate",
        title="Misread rate and other rejections",
        definition=(
            "Misread rate = hits read in the range that a person rejected as a misread plate / hits in the range "
            "verified by a person (actionable or rejected); the other reasons are rated the same way."
        ),
        columns=[
            Column("reason", "Reject reason"),
            Column("hits", "Hits", "int"),
            Column("rate", "% of verified", "pct"),
        ],
        rows=rows,
        chart=Chart("bar", "reason", ("rate",)),
        note=HITS_NOTE,
    )


# --- hotlist sources -----------------------------------------------------------------------------


def _source_values(label: str, c: dict[str, int]) -> dict[str, Any]:
    misread = c[f"reason_{RejectReason.MISREAD.value}"]
    return {
        "source": label,
        **{key: c[key] for key in ("hits", "verified", "actionable", "rejected")},
        "misread": misread,
        "misread_rate": share(misread, c["verified"]),
        **{o.value: c[f"outcome_{o.value}"] for o in HitOutcome},
    }


def lpr_by_source(flt: MetricFilter) -> Table:
    groups = hit_groups(flt)
    rows = [
        Row(_source_values(s.label, hit_counts(groups, s.value)), drill=Drill("hits", {"hotlist_source": s.value}))
        for s in HotlistSource
    ]
    rows.append(Row(_source_values(ALL, hit_counts(groups)), drill=Drill("hits", {})))
    return Table(
        key="lpr_by_source",
        title="Hits by hotlist source",
        definition=(
            "Hits read in the range by the source of the hotlist they matched: verified = by a person (actionable "
            "or rejected); misread % = rejected as misread / verified; outcomes are those of actionable hits."
        ),
        columns=[
            Column("source", "Hotlist source"),
            Column("hits", "Hits", "int"),
            Column("verified", "Verified", "int"),
            Column("actionable", "Actionable", "int"),
            Column("rejected", "Rejected", "int"),
            Column("misread", "Misread", "int"),
            Column("misread_rate", "Misread %", "pct"),
            *[Column(o.value, o.label, "int") for o in HitOutcome],
        ],
        rows=rows,
        chart=Chart("bar", "source", ("hits", "actionable", "rejected")),
        note=HITS_NOTE,
    )


# --- over time -----------------------------------------------------------------------------------


def lpr_over_time(flt: MetricFilter) -> Table:
    hits_per_day = {
        r["day"]: int(r["n"])
        for r in hits_in_range(flt)
        .annotate(day=TruncDate("read_at", tzinfo=agency_zone()))
        .values("day")
        .annotate(n=Count("id"))
    }
    rows = []
    for (first, last), reads, hits in zip(
        buckets(flt), sum_by_bucket(flt, reads_per_day(flt)), sum_by_bucket(flt, hits_per_day), strict=True
    ):
        per_thousand = round(1000.0 * hits / reads, 1) if reads else None
        values = {"date": first, "reads": reads, "hits": hits, "per_thousand": per_thousand}
        rows.append(Row(values, drill=Drill("hits", bucket_filters(flt, first, last))))
    return Table(
        key="lpr_over_time",
        title=f"Reads and hits by {flt.bucket}",
        definition=(
            "Reads (from the rollup) and hits per day, week (from Monday) or month of the range, by the local day "
            "the plate was read; hits per 1,000 reads."
        ),
        columns=[
            Column("date", "From", "date"),
            Column("reads", "Reads", "int"),
            Column("hits", "Hits", "int"),
            Column("per_thousand", "Hits per 1,000 reads", "float"),
        ],
        rows=rows,
        chart=Chart("line", "date", ("reads", "hits"), secondary=("hits",)),
        note=reads_note(flt),
    )


TABLES: list[MetricFn] = [lpr_funnel, lpr_over_time, lpr_outcomes, lpr_misread_rate, lpr_by_source]
