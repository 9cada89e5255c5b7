from django.urls import path

from operations.api import views

urlpatterns = [
    path("operations/", views.OperationListApi.as_view(), name="api-operation-list"),
    path("operations/<int:operation_id>/", views.OperationDetailApi.as_view(), name="api-operation-detail"),
    path("operations/<int:operation_id>/log/", views.OperationLogApi.as_view(), name="api-operation-log"),
    path(
        "operations/<int:operation_id>/incidents/",
        views.OperationIncidentsApi.as_view(),
        name="api-operation-incidents",
    ),
]
