from django.urls import path

from alerts import views

urlpatterns = [
    path("alerts/desk/", views.alert_desk, name="alert-desk"),
]
