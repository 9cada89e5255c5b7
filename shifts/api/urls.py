from django.urls import path

from shifts.api import views

urlpatterns = [
    path("shifts/current/", views.CurrentShiftApi.as_view(), name="api-shift-current"),
    path("shifts/sign-on/", views.SignOnApi.as_view(), name="api-shift-sign-on"),
    path("shifts/sign-off/", views.SignOffApi.as_view(), name="api-shift-sign-off"),
    path("shifts/handover/", views.HandoverApi.as_view(), name="api-shift-handover"),
]
