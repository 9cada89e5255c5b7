from django.urls import path

from correlation.api import views

urlpatterns = [
    path("correlation/", views.CorrelationApi.as_view(), name="api-correlation"),
]
