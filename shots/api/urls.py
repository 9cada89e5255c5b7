from django.urls import path

from shots.api import views

urlpatterns = [
    path("shots/layer/", views.ShotsLayerApi.as_view(), name="api-shots-layer"),
]
