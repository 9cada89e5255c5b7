from django.urls import path

from alerts.api import views

urlpatterns = [
    path("alerts/", views.AlertListApi.as_view(), name="api-alert-list"),
]
