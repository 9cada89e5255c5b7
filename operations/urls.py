from django.urls import path

from operations import views

urlpatterns = [
    path("operations/", views.operation_list, name="operation-list"),
    path("operations/<int:operation_id>/", views.operation_workspace, name="operation-workspace"),
]
