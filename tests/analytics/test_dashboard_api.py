"""JSON API of the dashboards: shape, filter echo, refresh times, roles, 400 and 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from analytics.dashboards import dashboards
from analytics.models import RollupRun
from tests.analytics.test_dashboard_views import install_demo_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    install_demo_table(monkeypatch)


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_names_every_dashboard(supervisor: Any) -> None:
    response = api_for(supervisor).get("/api/v1/analytics/dashboards/")
    assert response.status_code == 200
    assert response.json() == [{"key": board.key, "title": board.title} for board in dashboards()]
    assert [item["key"] for item in response.json()] == ["assists", "alerts", "lpr", "shots", "cameras"]


def test_dashboard_shape(supervisor: Any) -> None:
    RollupRun.objects.create(name="reads_daily", refreshed_at=dt.datetime(2026, 11, 20, 15, 5, tzinfo=dt.UTC))
    params = {"start": "2026-11-01", "end": "2026-11-07", "district": "D7", "call_type": ["THEFT", "ALARM"]}
    response = api_for(supervisor).get("/api/v1/analytics/dashboards/alerts/", params)
    assert response.status_code == 200
    assert response.json() == {
        "key": "alerts",
        "title": "Alerts",
        "filter": {
            "start": "2026-11-01",
            "end": "2026-11-07",
            "district": "D7",
            "call_types": ["ALARM", "THEFT"],
            "bucket": "day",
        },
        "refreshed": {"reads_daily": "2026-11-20T15:05:00+00:00"},
        "tables": [
            {
                "key": "demo_calls",
                "title": "Demo calls by type",
                "definition": "Calls per type, for testing the dashboard machinery.",
                "note": "District D7; call types ALARM,THEFT.",
                "columns": [
                    {"key": "call_type", "label": "Call type", "kind": "text"},
                    {"key": "incidents", "label": "Incidents", "kind": "int"},
                    {"key": "share", "label": "Share", "kind": "pct"},
                    {"key": "median", "label": "Median wait", "kind": "seconds"},
                    {"key": "day", "label": "First day", "kind": "date"},
                ],
                "rows": [
                    {
                        "values": {
                            "call_type": '=HYPERLINK("x")',
                            "incidents": 1234,
                            "share": 12.5,
                            "median": 95.0,
                            "day": "2026-11-01",
                        },
                        "drill": {"kind": "incidents", "filters": {"call_type": "THEFT", "assisted": "1"}},
                    },
                    {
                        "values": {"call_type": "BURGLARY", "incidents": 7, "share": None, "median": None, "day": None},
                        "drill": None,
                    },
                ],
                "chart": {
                    "kind": "bar",
                    "x": "call_type",
                    "series": ["incidents"],
                    "stacked": False,
                    "secondary": [],
                    "log_scale": False,
                },
            }
        ],
    }


def test_long_ranges_are_bucketed_by_week_unless_asked(supervisor: Any) -> None:
    client = api_for(supervisor)
    weekly = client.get("/api/v1/analytics/dashboards/alerts/", {"start": "2026-01-01", "end": "2026-06-30"})
    assert weekly.json()["filter"]["bucket"] == "week"
    monthly = client.get(
        "/api/v1/analytics/dashboards/alerts/", {"start": "2026-01-01", "end": "2026-06-30", "bucket": "month"}
    )
    assert monthly.json()["filter"]["bucket"] == "month"


def test_auditor_reads_the_api(make_user: Any) -> None:
    response = api_for(make_user("audrey", Role.AUDITOR)).get("/api/v1/analytics/dashboards/alerts/")
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN, Role.WALL])
def test_other_roles_get_a_json_403(make_user: Any, role: Role) -> None:
    client = api_for(make_user(f"api-{role}", role))
    for url in ("/api/v1/analytics/dashboards/", "/api/v1/analytics/dashboards/alerts/"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json() == {"error": "Your role does not allow this."}


def test_anonymous_gets_a_401() -> None:
    for url in ("/api/v1/analytics/dashboards/", "/api/v1/analytics/dashboards/alerts/"):
        assert APIClient().get(url).status_code == 401


def test_unknown_dashboard_is_a_json_404(supervisor: Any) -> None:
    response = api_for(supervisor).get("/api/v1/analytics/dashboards/nosuch/")
    assert response.status_code == 404
    assert response.json() == {"error": "No dashboard called nosuch."}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "0001-01-01"}, "start"),
        ({"start": "2024-01-01", "end": "2026-06-30"}, "end"),
        ({"bucket": "hour"}, "bucket"),
        ({"call_type": [f"T{n}" for n in range(21)]}, "call_type"),
    ],
)
def test_bad_filter_is_a_400_naming_the_field(supervisor: Any, params: dict[str, Any], field: str) -> None:
    response = api_for(supervisor).get("/api/v1/analytics/dashboards/alerts/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith(f"{field}:") and field in body["details"]
