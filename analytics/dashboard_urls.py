"""Dashboards, CSV export, drill-down and the dashboards' JSON API.

A dashboard's path segment only matches a dashboard's key (`DashboardKeyConverter`), so other
analytics pages (`analytics/hotspots/`, reports) are never shadowed by `analytics/<key>/`; an
unknown key is a 404.
"""

import re

from django.urls import URLPattern, URLResolver, path, register_converter

from analytics import api, dashboard_views
from analytics.dashboards import dashboards


class DashboardKeyConverter:
    regex = "|".join(re.escape(board.key) for board in dashboards())

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DashboardKeyConverter, "dashboard")

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/", dashboard_views.analytics_home, name="analytics-home"),
    path("analytics/drill/<slug:kind>/", dashboard_views.drill_list, name="analytics-drill"),
    path("analytics/<dashboard:key>/", dashboard_views.dashboard_page, name="analytics-dashboard"),
    path("analytics/<dashboard:key>/<slug:table>.csv", dashboard_views.table_csv, name="analytics-export"),
    path("api/v1/analytics/dashboards/", api.DashboardListApi.as_view(), name="analytics-api-dashboards"),
    path("api/v1/analytics/dashboards/<slug:key>/", api.DashboardApi.as_view(), name="analytics-api-dashboard"),
]
