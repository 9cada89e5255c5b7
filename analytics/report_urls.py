from django.urls import URLPattern, URLResolver, path

from analytics import report_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/shift-reports/", report_views.shift_report_list, name="analytics-shift-reports"),
    path("analytics/shift-reports/<int:report_id>/", report_views.shift_report_detail, name="analytics-shift-report"),
    path("analytics/reports/monthly.pdf", report_views.monthly_report, name="analytics-monthly-report"),
]
