from django.urls import path

from alerts.api import views

urlpatterns = [
    path("alerts/", views.AlertListApi.as_view(), name="api-alert-list"),
    path("alerts/acknowledge/", views.AlertBulkAcknowledgeApi.as_view(), name="api-alert-bulk-acknowledge"),
    path("alerts/workload/", views.AlertWorkloadApi.as_view(), name="api-alert-workload"),
    path("alerts/mutes/", views.AlertMuteActiveApi.as_view(), name="api-alert-mute-active"),
    path("alerts/mutes/new/", views.AlertMuteCreateApi.as_view(), name="api-alert-mute-create"),
    path("alerts/mutes/history/", views.AlertMuteHistoryApi.as_view(), name="api-alert-mute-history"),
    path("alerts/mutes/<int:pk>/end/", views.AlertMuteEndApi.as_view(), name="api-alert-mute-end"),
    path("alerts/<int:pk>/", views.AlertDetailApi.as_view(), name="api-alert-detail"),
    path("alerts/<int:pk>/acknowledge/", views.AlertAcknowledgeApi.as_view(), name="api-alert-acknowledge"),
    path("alerts/<int:pk>/assign/", views.AlertAssignApi.as_view(), name="api-alert-assign"),
    path("alerts/<int:pk>/resolve/", views.AlertResolveApi.as_view(), name="api-alert-resolve"),
    path("alerts/<int:pk>/notes/", views.AlertNoteCreateApi.as_view(), name="api-alert-note-create"),
]
