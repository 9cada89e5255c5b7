from django.urls import path

from cap.api import views

urlpatterns = [
    path("cap/layer/", views.CapLayerApi.as_view(), name="api-cap-layer"),
]
