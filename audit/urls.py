from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.event_list, name="audit-events"),
    path("audit/events/<int:event_id>/", views.event_detail, name="audit-event"),
    path("audit/export.csv", views.event_export, name="audit-export"),
    path("audit/anomalies/", views.anomaly_list, name="audit-anomalies"),
    path("audit/anomalies/<int:flag_id>/review/", views.AnomalyReviewView.as_view(), name="audit-anomaly-review"),
]
