"""Dashboard pages: roles, tabs, the filter form, table cards (chart data, formatted cells, drill and
CSV links), bad filters, and every real dashboard rendered over a small seeded world.

The rendering machinery is tested with a test-only metric put in the alerts dashboard's TABLES (the
real metric modules are tested on their own); the last test renders the real dashboards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from analytics.dashboards import dashboards
from analytics.filters import MetricFilter
from analytics.metrics import alerts as alert_metrics
from analytics.models import IncidentDaily, RollupRun
from analytics.rollups import refresh_rollups
from analytics.tables import Chart, Column, Drill, Row, Table
from areas.models import District
from incidents.models import CallType

pytestmark = pytest.mark.django_db

CALLS: list[MetricFilter] = []


def demo_metric(flt: MetricFilter) -> Table:
    """A test-only table: every column kind, a formula-looking cell, a drill link and a chart."""
    CALLS.append(flt)
    return Table(
        key="demo_calls",
        title="Demo calls by type",
        definition="Calls per type, for testing the dashboard machinery.",
        columns=[
            Column("call_type", "Call type"),
            Column("incidents", "Incidents", "int"),
            Column("share", "Share", "pct"),
            Column("median", "Median wait", "seconds"),
            Column("day", "First day", "date"),
        ],
        rows=[
            Row(
                {"call_type": '=HYPERLINK("x")', "incidents": 1234, "share": 12.5, "median": 95.0, "day": flt.start},
                drill=Drill("incidents", {"call_type": "THEFT", "assisted": "1"}),
            ),
            Row({"call_type": "BURGLARY", "incidents": 7, "share": None, "median": None, "day": None}),
        ],
        chart=Chart("bar", "call_type", ("incidents",)),
        note=f"District {flt.district or 'all'}; call types {','.join(flt.call_types) or 'all'}.",
    )


def install_demo_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the test metric on the alerts dashboard (key "alerts"), alone."""
    CALLS.clear()
    monkeypatch.setattr(alert_metrics, "TABLES", [demo_metric])


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    install_demo_table(monkeypatch)


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("audrey", Role.AUDITOR)


def test_supervisor_sees_tabs_filter_form_and_the_table_card(supervisor: Any, demo: None) -> None:
    District.objects.create(
        code="D7", name="Seventh", area="MULTIPOLYGON(((0 0,1 0,1 1,0 0)))", source="t", imported_at=timezone.now()
    )
    CallType.objects.create(code="THEFT", description="Theft", default_priority=3)
    # A call type the CAD sent without being configured still appears (from the rollup).
    IncidentDaily.objects.create(
        day=dt.date(2026, 11, 2), district="1", beat="", call_type="ALARM", incidents=1, located=0, covered=0
    )
    RollupRun.objects.create(name="incidents_daily", refreshed_at=dt.datetime(2026, 11, 20, 15, 5, tzinfo=dt.UTC))
    response = client_for(supervisor).get("/analytics/alerts/", {"start": "2026-11-01", "end": "2026-11-07"})
    assert response.status_code == 200
    html = response.content.decode()
    for board in dashboards():
        assert f'href="/analytics/{board.key}/"' in html
    assert 'href="/analytics/alerts/" aria-current="page"' in html
    assert '<option value="D7">D7 · Seventh</option>' in html
    assert '<option value="ALARM">ALARM</option><option value="THEFT">THEFT · Theft</option>' in html
    as_of = '<span class="rollup">incident counts <time datetime="2026-11-20T09:05:00-06:00">'  # agency time
    assert "Figures as of" in html and as_of in html
    assert "Demo calls by type" in html and "Calls per type, for testing the dashboard machinery." in html
    # Formatted cells: thousands, percent, seconds as minutes, a missing value as a dash.
    assert ">1,234</td>" in html and ">12.5%</td>" in html and ">1m 35s</td>" in html and ">—</td>" in html
    assert ">2026-11-01</td>" in html
    assert 'href="/analytics/alerts/demo_calls.csv?start=2026-11-01&amp;end=2026-11-07"' in html
    assert (
        'href="/analytics/drill/incidents/?start=2026-11-01&amp;end=2026-11-07&amp;call_type=THEFT&amp;assisted=1"'
        in html
    )
    assert "District all; call types all." in html
    chart = json.loads(html.split('id="chart-demo_calls-data" type="application/json">')[1].split("</script>")[0])
    assert chart == {
        "kind": "bar",
        "stacked": False,
        "labels": ['=HYPERLINK("x")', "BURGLARY"],
        "datasets": [{"label": "Incidents", "kind": "int", "data": [1234.0, 7.0], "axis": "y"}],
    }
    assert 'data-chart="chart-demo_calls-data"' in html
    assert "<script>" not in html and " style=" not in html  # strict CSP: no inline script or style


def test_the_filter_reaches_every_metric(supervisor: Any, demo: None) -> None:
    params = {"start": "2026-10-01", "end": "2026-10-31", "district": "D7", "call_type": ["THEFT", "ASSAULT"]}
    response = client_for(supervisor).get("/analytics/alerts/", params)
    assert response.status_code == 200
    assert [
        MetricFilter(
            start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), district="D7", call_types=("ASSAULT", "THEFT")
        )
    ] == CALLS
    assert "District D7; call types ASSAULT,THEFT." in response.content.decode()
    # The row's own call type replaces the dashboard's in the drill link; the district stays.
    assert (
        "/analytics/drill/incidents/?start=2026-10-01&amp;end=2026-10-31&amp;district=D7&amp;call_type=THEFT&amp;"
        in (response.content.decode())
    )


def test_auditor_sees_the_figures_without_drill_links(auditor: Any, demo: None) -> None:
    response = client_for(auditor).get("/analytics/alerts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demo calls by type" in html and ">1,234</td>" in html
    assert "/analytics/drill/" not in html


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN, Role.WALL])
def test_roles_without_metrics_are_refused(make_user: Any, role: Role, demo: None) -> None:
    client = client_for(make_user(f"no-metrics-{role}", role))
    for url in ("/analytics/", "/analytics/alerts/", "/analytics/alerts/demo_calls.csv"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(demo: None) -> None:
    for url in ("/analytics/", "/analytics/alerts/", "/analytics/alerts/demo_calls.csv"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/analytics/")


def test_home_shows_the_first_dashboard(supervisor: Any) -> None:
    response = client_for(supervisor).get("/analytics/")
    assert response.status_code == 200
    first = dashboards()[0]
    assert f'href="/analytics/{first.key}/" aria-current="page"' in response.content.decode()


def test_unknown_dashboard_is_404(supervisor: Any) -> None:
    assert client_for(supervisor).get("/analytics/nosuch/").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start:"),
        ({"end": "yesterday"}, "end:"),
        ({"start": "2026-11-10", "end": "2026-11-01"}, "start:"),
        ({"bucket": "year"}, "bucket:"),
        ({"district": "X" * 17}, "district:"),
    ],
)
def test_bad_filter_is_a_400_naming_the_field(supervisor: Any, demo: None, params: dict[str, str], field: str) -> None:
    response = client_for(supervisor).get("/analytics/alerts/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-error"' in html and field in html
    assert "Demo calls by type" not in html and CALLS == []


def test_every_real_dashboard_renders_over_seeded_data(supervisor: Any, auditor: Any) -> None:
    """Becomes meaningful as the metric modules fill their TABLES; must never fail to render."""
    from cases.models import Case, CaseLink
    from tests.factories import CameraFactory, IncidentFactory

    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    incidents = [
        IncidentFactory(call_type="THEFT", received_at=now - dt.timedelta(days=2), district="1", beat="11"),
        IncidentFactory(call_type="ALARM", final_call_type="BURGLARY", received_at=now - dt.timedelta(days=5)),
        IncidentFactory(call_type="THEFT", received_at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=zone)),
    ]
    CameraFactory()
    case = Case.objects.create(number="RTCC-T-1", title="Theft", lead=supervisor, created_by=supervisor)
    CaseLink.objects.create(case=case, kind="incident", object_id=incidents[0].pk, added_by=supervisor)
    refresh_rollups(full=True)
    drill_links: set[str] = set()
    for user in (supervisor, auditor):
        client = client_for(user)
        for board in dashboards():
            for params in ({}, {"start": "2026-01-01", "end": "2026-12-31", "bucket": "month"}):
                response = client.get(f"/analytics/{board.key}/", params)
                assert response.status_code == 200, (board.key, params)
                drill_links.update(re.findall(r'href="(/analytics/drill/[^"]+)"', response.content.decode()))
                api = client.get(f"/api/v1/analytics/dashboards/{board.key}/", params)
                assert api.status_code == 200, (board.key, params)
                tables = {table.key for table in _tables(board, params)}
                assert {table["key"] for table in api.json()["tables"]} == tables
                for key in tables if user == supervisor else ():
                    export = client.get(f"/analytics/{board.key}/{key}.csv", params)
                    assert export.status_code == 200, (board.key, key)
                    b"".join(export.streaming_content)
    # Every drill link a real metric row produces is accepted by the drill-down (no 400).
    assert drill_links, "the seeded incidents give the assists tables rows with drill-downs"
    for link in sorted(drill_links):
        assert client_for(supervisor).get(unescape(link)).status_code == 200, link


def _tables(board: Any, params: dict[str, str]) -> list[Table]:
    from analytics.filters import parse_filter

    return [metric(parse_filter(params)) for metric in board.tables]
