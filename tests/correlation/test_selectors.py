"""Selector-level checks: the plate-read query opens only the day partitions of its window, the
GPS query takes the ping nearest in time per subject, and address normalisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from correlation import selectors
from lpr.partitions import ensure_partitions, partition_name

pytestmark = pytest.mark.django_db


def test_plate_reads_query_opens_only_the_partitions_of_its_window() -> None:
    at = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
    days = [at.date() + dt.timedelta(days=n) for n in (-2, -1, 0, 1, 2)]
    ensure_partitions(days)
    params = selectors._params(43.05, -87.95, 300) | {
        "since": at - dt.timedelta(minutes=15),
        "until": at + dt.timedelta(minutes=15),
        "at": at,
        "limit": 10,
    }
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + selectors.READS_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert partition_name(at.date()) in plan
    for other in days:
        if other != at.date():
            assert partition_name(other) not in plan


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("100  n Main st ", "100 N MAIN ST"), ("\t100 N MAIN ST", "100 N MAIN ST"), ("", "")],
)
def test_normalise_address(raw: str, normal: str) -> None:
    assert selectors.normalise_address(raw) == normal


def test_scene_rejects_out_of_range_radius_and_window(analyst: object) -> None:
    from rtcc.errors import InvalidInput

    at = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput, match=r"^radius:"):
        selectors.scene(user=analyst, lat=43.05, lon=-87.95, at=at, radius_m=2001)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=r"^window:"):
        selectors.scene(user=analyst, lat=43.05, lon=-87.95, at=at, window_min=0.5)  # type: ignore[arg-type]
