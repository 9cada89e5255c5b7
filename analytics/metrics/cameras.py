"""The camera network: registrations over time, approved cameras by tier and owner, incident coverage.

Cameras are thousands, not millions: read live. Coverage comes from the incident rollup, which
records per day how many located incidents lay in an approved camera's view cone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum

from analytics.filters import MetricFilter
from analytics.metrics import MetricFn
from analytics.metrics.common import (
    ALL,
    bucket_filters,
    bucket_first_day,
    buckets,
    district_label,
    fetch,
    rollup_note,
    rollup_rows,
    share,
)
from analytics.tables import Chart, Column, Drill, Row, Table
from cameras.choices import AccessTier, CameraSource, CameraStatus, OwnerType
from cameras.models import Camera

NOT_FILTERED = "District and call-type filters do not apply to cameras."


def _registrations(flt: MetricFilter) -> list[tuple[dt.date, str, str, int]]:
    """(local day, source, owner type, cameras) created in the range."""
    sql = """
        SELECT (c.created_at AT TIME ZONE %(tz)s)::date, c.source, c.owner_type, count(*)
        FROM cameras_camera c WHERE c.created_at >= %(since)s AND c.created_at < %(until)s
        GROUP BY 1, 2, 3
    """
    return [
        (day, source, owner, int(n))
        for day, source, owner, n in fetch(sql, {"tz": settings.TIME_ZONE, "since": flt.since, "until": flt.until})
    ]


def registrations_over_time(flt: MetricFilter) -> Table:
    per_bucket: dict[tuple[dt.date, str], int] = defaultdict(int)
    for day, source, _, n in _registrations(flt):
        per_bucket[(max(bucket_first_day(day, flt.bucket), flt.start), source)] += n
    rows = []
    for first, last in buckets(flt):
        values: dict[str, Any] = {"date": first}
        values.update({s.value: per_bucket.get((first, s.value), 0) for s in CameraSource})
        values["total"] = sum(values[s.value] for s in CameraSource)
        rows.append(Row(values, drill=Drill("cameras", bucket_filters(flt, first, last))))
    return Table(
        key="cameras_registrations_over_time",
        title=f"Camera registrations by {flt.bucket}",
        definition=(
            "Cameras entered in the range, by the local day they were entered and how (admin, community "
            "self-registration, bulk import), whatever their review status since."
        ),
        columns=[
            Column("date", "From", "date"),
            *(Column(s.value, s.label, "int") for s in CameraSource),
            Column("total", "Total", "int"),
        ],
        rows=rows,
        chart=Chart("bar", "date", tuple(s.value for s in CameraSource), stacked=True),
        note=NOT_FILTERED,
    )


def registrations_by_owner_type(flt: MetricFilter) -> Table:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for _, source, owner, n in _registrations(flt):
        counts[(owner, source)] += n
    rows = []
    for owner in OwnerType:
        values: dict[str, Any] = {"owner_type": owner.label}
        values.update({s.value: counts.get((owner.value, s.value), 0) for s in CameraSource})
        values["total"] = sum(values[s.value] for s in CameraSource)
        rows.append(Row(values, drill=Drill("cameras", {"owner_type": owner.value})))
    return Table(
        key="cameras_registrations_by_owner_type",
        title="Camera registrations by owner type",
        definition="Cameras entered in the range, by owner type and how they were entered.",
        columns=[
            Column("owner_type", "Owner type"),
            *(Column(s.value, s.label, "int") for s in CameraSource),
            Column("total", "Total", "int"),
        ],
        rows=rows,
        note=NOT_FILTERED,
    )


def approved_by_tier(flt: MetricFilter) -> Table:
    counts = {
        (r["tier"], r["owner_type"]): int(r["n"])
        for r in Camera.objects.filter(status=CameraStatus.APPROVED)
        .values("tier", "owner_type")
        .annotate(n=Count("id"))
    }
    rows = []
    for tier in AccessTier:
        values: dict[str, Any] = {"tier": tier.label}
        values.update({o.value: counts.get((tier.value, o.value), 0) for o in OwnerType})
        values["total"] = sum(values[o.value] for o in OwnerType)
        # Cameras approved now, whenever registered: the drill ignores the date range.
        drill = Drill("cameras", {"tier": tier.value, "status": CameraStatus.APPROVED.value, "all_dates": "1"})
        rows.append(Row(values, drill=drill))
    return Table(
        key="cameras_approved_by_tier",
        title="Approved cameras by access tier and owner type",
        definition="Cameras approved now, by the access the owner agreed to (tier) and owner type.",
        columns=[
            Column("tier", "Tier"),
            *(Column(o.value, o.label, "int") for o in OwnerType),
            Column("total", "Total", "int"),
        ],
        rows=rows,
        chart=Chart("bar", "tier", tuple(o.value for o in OwnerType), stacked=True),
        note="Cameras as they stand now: the date range and filters do not apply.",
    )


def coverage_by_district(flt: MetricFilter) -> Table:
    per_district = (
        rollup_rows(flt)
        .values("district")
        .annotate(located=Sum("located"), covered=Sum("covered"))
        .order_by("district")
    )
    rows = []
    located_all = covered_all = 0
    for r in per_district:
        located, covered = int(r["located"]), int(r["covered"])
        located_all, covered_all = located_all + located, covered_all + covered
        rows.append(
            Row(
                {
                    "district": district_label(r["district"]),
                    "located": located,
                    "covered": covered,
                    "share": share(covered, located),
                }
            )
        )
    if rows:
        rows.append(
            Row(
                {
                    "district": ALL,
                    "located": located_all,
                    "covered": covered_all,
                    "share": share(covered_all, located_all),
                }
            )
        )
    return Table(
        key="cameras_coverage_by_district",
        title="Incidents in view of an approved camera",
        definition=(
            "Of the incidents received in the range that have a location, the share lying in the view cone "
            "of at least one approved camera, by district."
        ),
        columns=[
            Column("district", "District"),
            Column("located", "Located incidents", "int"),
            Column("covered", "In a camera's view", "int"),
            Column("share", "Covered %", "pct"),
        ],
        rows=rows,
        chart=Chart("bar", "district", ("share",)),
        note=rollup_note() + " Coverage is as the cameras stood at that refresh.",
    )


TABLES: list[MetricFn] = [registrations_over_time, registrations_by_owner_type, approved_by_tier, coverage_by_district]
