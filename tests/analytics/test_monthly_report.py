"""The monthly report PDF: any Table renders (charts of each kind, long tables across pages), the
download is audited, a bad month is a 400 naming `month`. Page 1 and a chart page are written as
PNGs to the test output directory (monthly-cover.png, monthly-charts.png) for a look by eye."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.roles import Role
from analytics import monthly_report
from analytics.dashboards import Dashboard
from analytics.filters import MetricFilter
from analytics.monthly_report import monthly_report_pdf, parse_month
from analytics.tables import Chart, Column, Row, Table
from audit.models import AuditEvent
from incidents.models import Incident
from rtcc.errors import InvalidInput
from tests.conftest import OUTPUT_DIR

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
seen: list[MetricFilter] = []


def calls_by_type(filters: MetricFilter) -> Table:
    seen.append(filters)
    counts = [("ALARM", 41), ("TRAFFIC STOP", 33), ("SHOTS FIRED", 12), ("DISTURBANCE", 9), ("WELFARE CHECK", 4)]
    return Table(
        key="calls_by_type",
        title="Calls by call type",
        definition="Incidents received in the period, by final call type.",
        columns=[Column("call_type", "Call type"), Column("incidents", "Incidents", "int")],
        rows=[Row({"call_type": t, "incidents": n}) for t, n in counts],
        chart=Chart("bar", "call_type", ("incidents",)),
    )


def incidents_over_time(filters: MetricFilter) -> Table:
    days = [filters.start + dt.timedelta(days=n) for n in range(filters.days)]
    return Table(
        key="incidents_over_time",
        title="Incidents per day",
        definition="Incidents received each local day; covered = inside an approved camera's view.",
        columns=[
            Column("day", "Day", "date"),
            Column("incidents", "Incidents", "int"),
            Column("covered", "Covered by a camera", "int"),
        ],
        rows=[Row({"day": d, "incidents": 20 + d.day % 7, "covered": 5 + d.day % 3}) for d in days],
        chart=Chart("line", "day", ("incidents", "covered")),
        note="From the rollup refreshed at 2026-11-01 00:05.",
    )


def dispositions(filters: MetricFilter) -> Table:
    rows = [("Actionable", 18, 12.5, 340), ("Benign", 70, 48.6, 95), ("False positive", 56, 38.9, 61)]
    return Table(
        key="alert_dispositions",
        title="Alert dispositions",
        definition="Alerts resolved in the period, by disposition.",
        columns=[
            Column("disposition", "Disposition"),
            Column("alerts", "Alerts", "int"),
            Column("share", "Share", "pct"),
            Column("time", "Median time to resolve", "seconds"),
        ],
        rows=[Row({"disposition": d, "alerts": n, "share": s, "time": t}) for d, n, s, t in rows],
        chart=Chart("doughnut", "disposition", ("alerts",)),
    )


def priorities_by_district(filters: MetricFilter) -> Table:
    return Table(
        key="priority_district",
        title="Priority mix by district",
        definition="Incidents by district and priority.",
        columns=[
            Column("district", "District"),
            Column("p1", "P1", "int"),
            Column("p2", "P2", "int"),
            Column("p3", "P3", "int"),
        ],
        rows=[Row({"district": f"D{n}", "p1": n, "p2": 2 * n, "p3": 10 - n}) for n in range(1, 8)],
        chart=Chart("bar", "district", ("p1", "p2", "p3"), stacked=True),
    )


def reads_by_reader(filters: MetricFilter) -> Table:
    return Table(
        key="reads_by_reader",
        title="Reads by reader",
        definition="Plate reads in the period, by reader.",
        columns=[Column("reader", "Reader"), Column("reads", "Reads", "int")],
        rows=[Row({"reader": f"Reader <{n:03d}> & pole", "reads": 10_000 - n}) for n in range(150)],
    )


def nothing(filters: MetricFilter) -> Table:
    return Table(
        key="empty",
        title="Camera outages",
        definition="Outages over an hour.",
        columns=[],
        rows=[],
        chart=Chart("bar", "camera", ("hours",)),
    )


def broken(filters: MetricFilter) -> Table:
    raise ZeroDivisionError("a metric with a bug")


FAKE = [
    Dashboard("assists", "Assists and cases", (calls_by_type, incidents_over_time, priorities_by_district)),
    Dashboard("alerts", "Alerts", (dispositions, broken)),
    Dashboard("lpr", "Plate readers", (reads_by_reader,)),
    Dashboard("cameras", "Camera network", (nothing,)),
]


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def to_png(path: Path, page: int, name: str) -> Path:
    stem = OUTPUT_DIR / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(stem)],
        check=True,
    )
    return stem.with_suffix(".png")


def test_every_table_renders_with_its_chart_and_long_tables_paginate(monkeypatch: Any, settings: Any) -> None:
    settings.RTCC_AGENCY_NAME = "Larkspur County Sheriff"
    monkeypatch.setattr(monthly_report, "dashboards", lambda: FAKE)
    seen.clear()
    content = monthly_report_pdf(month=OCTOBER, user=None, generated_at=dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC))
    assert content.startswith(b"%PDF-")
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / "monthly-report.pdf"
    path.write_bytes(content)
    # Cover; Assists (3 charts: 2 pages); Alerts (1 page); Plate readers (first 50 of 150 rows: 2 pages); Cameras.
    pages = page_count(path)
    assert 6 <= pages <= 9, pages
    assert seen == [MetricFilter(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))]
    cover = pdf_text(path, 1, 1)
    assert "Larkspur County Sheriff" in cover and "October 2026" in cover
    assert "2026-10-01 to 2026-10-31" in cover
    assert "Generated" in cover and "by system" in cover
    assert "1. Assists and cases" in cover and "4. Camera network" in cover
    text = pdf_text(path)
    for expected in [
        "Calls by call type",
        "TRAFFIC STOP",
        "Incidents per day",
        "Covered by a camera",
        "From the rollup refreshed at 2026-11-01 00:05.",
        "Priority mix by district",
        "12.5 %",
        "5 min 40 s",
        "Reader <049> & pole",
        "9,951",
        "First 50 of 150 rows; the dashboard's CSV export has them all.",
        "No records in this month.",
        "broken: this figure could not be computed",
        f"page 1 of {pages}",
        "Larkspur County Sheriff · RTCC monthly report · October 2026",
    ]:
        assert expected in text, expected
    # The long table repeats its header on the pages it continues on.
    assert sum("Reads by reader" in pdf_text(path, n, n) for n in range(1, pages + 1)) == 1
    header = re.compile(r"^\s*Reader\s+Reads\s*$", re.MULTILINE)
    assert sum(bool(header.search(pdf_text(path, n, n))) for n in range(1, pages + 1)) >= 2
    assert to_png(path, 1, "monthly-cover").stat().st_size > 5_000
    assert to_png(path, 2, "monthly-charts").stat().st_size > 5_000


def test_the_real_dashboards_render_for_a_seeded_month(supervisor: Any) -> None:
    for n in range(6):
        Incident.objects.create(
            source="cad",
            external_id=f"OCT-{n}",
            call_type="ALARM" if n % 2 else "THEFT",
            priority=1 + n % 5,
            received_at=dt.datetime(2026, 10, 3 + n, 15, tzinfo=dt.UTC),
        )
    content = monthly_report_pdf(month=OCTOBER, user=supervisor, generated_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    path = OUTPUT_DIR / "monthly-report-real.pdf"
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert page_count(path) >= 6  # the cover and one page (at least) per dashboard
    text = pdf_text(path)
    for title in ["Assists and cases", "Alerts", "Plate readers", "Shots fired", "Camera network", "by sup"]:
        assert title in text
    assert "could not be computed" not in text


def test_month_parameter() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        assert parse_month(None) == OCTOBER
        assert parse_month("") == OCTOBER
        assert parse_month("2026-11") == dt.date(2026, 11, 1)
        assert parse_month("2025-02") == dt.date(2025, 2, 1)
        for bad in ["2026-13", "2026-1x", "October", "2026-10-01", "1800-01", "2026-12"]:
            with pytest.raises(InvalidInput, match=r"^month: "):
                parse_month(bad)
    with time_machine.travel(dt.datetime(2027, 1, 1, 3, tzinfo=dt.UTC), tick=False):  # 21:00 CST on Dec 31
        assert parse_month(None) == dt.date(2026, 11, 1)


def test_download_is_audited_and_needs_metrics_read(make_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(monthly_report, "dashboards", lambda: FAKE[:1])
    supervisor = make_user("sup", Role.SUPERVISOR)
    analyst = make_user("ana", Role.ANALYST)
    auditor = make_user("aud", Role.AUDITOR)
    client = Client()
    client.force_login(supervisor)
    response = client.get("/analytics/reports/monthly.pdf", {"month": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rtcc-monthly-report-2026-10.pdf"'
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="analytics.monthly_report_pdf")
    assert (event.actor_id, event.object_ref) == (supervisor.pk, "monthly_report:2026-10")
    assert event.details == {"month": "2026-10", "bytes": len(response.content)}
    bad = client.get("/analytics/reports/monthly.pdf", {"month": "2026-13"})
    assert bad.status_code == 400
    assert "month: use a month like 2026-10." in bad.content.decode()
    client.force_login(auditor)
    assert client.get("/analytics/reports/monthly.pdf", {"month": "2026-10"}).status_code == 200
    client.force_login(analyst)
    assert client.get("/analytics/reports/monthly.pdf", {"month": "2026-10"}).status_code == 403
    assert AuditEvent.objects.filter(action="analytics.monthly_report_pdf").count() == 2


def odd_shapes(filters: MetricFilter) -> Table:
    """60 categories with very long labels, missing values, text where a number was expected."""
    rows = [
        Row(
            {
                "name": f"Category {n} " + "with a very long label " * 8,
                "value": None if n % 5 == 0 else n,
                "other": "n/a" if n % 7 == 0 else 1.5 * n,
                "when": dt.datetime(2026, 10, 1 + n % 28, 12, tzinfo=dt.UTC),
            }
        )
        for n in range(60)
    ]
    columns = [
        Column("name", "Name"),
        Column("value", "Value", "int"),
        Column("other", "Other", "float"),
        Column("when", "When", "date"),
    ]
    return Table(
        key="odd",
        title="Odd shapes",
        definition="Stress.",
        columns=columns,
        rows=rows,
        chart=Chart("doughnut", "name", ("value", "other")),
    )


def long_series(filters: MetricFilter) -> Table:
    rows = [Row({"hour": f"{n // 24:02d} {n % 24:02d}h", "n": (n * 37) % 101 - 20}) for n in range(400)]
    columns = [Column("hour", "Hour"), Column("n", "Change", "int")]
    return Table(
        key="long_series",
        title="Hourly change",
        definition="Stress.",
        columns=columns,
        rows=rows,
        chart=Chart("line", "hour", ("n",)),
    )


def all_zero(filters: MetricFilter) -> Table:
    rows = [Row({"k": "A", "n": 0}), Row({"k": "B", "n": 0})]
    return Table(
        key="zero",
        title="All zero",
        definition="Stress.",
        columns=[Column("k", "K"), Column("n", "N", "int")],
        rows=rows,
        chart=Chart("bar", "k", ("n",)),
    )


def test_odd_tables_still_render(monkeypatch: Any) -> None:
    boards = [Dashboard("x", "Stress", (odd_shapes, long_series, all_zero))]
    monkeypatch.setattr(monthly_report, "dashboards", lambda: boards)
    content = monthly_report_pdf(month=OCTOBER, user=None, generated_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / "monthly-report-stress.pdf"
    path.write_bytes(content)
    text = pdf_text(path)
    assert "The chart shows the first 25 of 60 rows." in text
    assert "First 50 of 60 rows" in text
    assert "Category 49" in text and "Category 50" not in text and "n/a" in text and "2026-10-04 07:00" in text
    assert "could not be computed" not in text
    assert to_png(path, 2, "monthly-stress").stat().st_size > 5_000
