"""CSV export of a dashboard table: column labels as header, raw values, formula-safe text, a file
name with the dashboard, table and dates, and an audit row naming table and filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from accounts.roles import Role
from analytics.exports import csv_cell
from audit.models import AuditEvent
from tests.analytics.test_dashboard_views import client_for, install_demo_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    install_demo_table(monkeypatch)


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_has_labels_raw_values_and_formula_safe_text(supervisor: Any) -> None:
    params = {"start": "2026-11-01", "end": "2026-11-07", "district": "D7"}
    response = client_for(supervisor).get("/analytics/alerts/demo_calls.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="rtcc-alerts-demo_calls-2026-11-01-to-2026-11-07.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    assert _rows(response) == [
        ["Call type", "Incidents", "Share", "Median wait", "First day"],
        ['\'=HYPERLINK("x")', "1234", "12.5", "95.0", "2026-11-01"],
        ["BURGLARY", "7", "", "", ""],
    ]


def test_the_export_is_audited_with_table_and_filter(supervisor: Any) -> None:
    params = {"start": "2026-11-01", "end": "2026-11-07", "call_type": ["THEFT"], "bucket": "week"}
    response = client_for(supervisor).get("/analytics/alerts/demo_calls.csv", params)
    _rows(response)
    event = AuditEvent.objects.get(action="analytics.export")
    assert event.actor_id == supervisor.pk
    assert event.object_ref == "analytics:alerts:demo_calls"
    assert event.details == {
        "dashboard": "alerts",
        "table": "demo_calls",
        "rows": 2,
        "filters": {"start": "2026-11-01", "end": "2026-11-07", "call_type": ["THEFT"], "bucket": "week"},
    }


def test_an_auditor_may_export_and_an_analyst_may_not(make_user: Any) -> None:
    auditor = make_user("audrey", Role.AUDITOR)
    assert client_for(auditor).get("/analytics/alerts/demo_calls.csv").status_code == 200
    analyst = make_user("ana", Role.ANALYST)
    assert client_for(analyst).get("/analytics/alerts/demo_calls.csv").status_code == 403
    assert AuditEvent.objects.filter(action="analytics.export", actor=analyst).count() == 0


def test_unknown_table_or_dashboard_is_404_and_not_audited(supervisor: Any) -> None:
    client = client_for(supervisor)
    assert client.get("/analytics/alerts/nosuch.csv").status_code == 404
    assert client.get("/analytics/assists/demo_calls.csv").status_code == 404  # the table is on "alerts"
    assert client.get("/analytics/nosuch/demo_calls.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="analytics.export").exists()


def test_bad_filter_is_a_400_naming_the_field(supervisor: Any) -> None:
    response = client_for(supervisor).get("/analytics/alerts/demo_calls.csv", {"end": "2026-02-30"})
    assert response.status_code == 400
    assert "end:" in response.content.decode()
    assert not AuditEvent.objects.filter(action="analytics.export").exists()


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "yes"),
        (-3, "-3"),  # numbers are not text: a minus sign stays a number
        (2.5, "2.5"),
        (dt.date(2026, 11, 2), "2026-11-02"),
        ("+1 555", "'+1 555"),
        ("@cmd", "'@cmd"),
        ("plain", "plain"),
    ],
)
def test_csv_cells(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell
