from django.urls import path

from shifts import views

urlpatterns = [
    path("shifts/", views.shift_log, name="shift-log"),
]
