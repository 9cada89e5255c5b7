from django.urls import path

from incidents import views

urlpatterns = [
    path("ops/", views.ops_map, name="ops-map"),
    path("wall/", views.wall, name="ops-wall"),
]
