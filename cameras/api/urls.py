from django.urls import path

from cameras.api import footage, transfer, views

urlpatterns = [
    path("cameras/", views.CameraListApi.as_view(), name="api-camera-list"),
    path("cameras/create/", views.CameraCreateApi.as_view(), name="api-camera-create"),
    path("cameras/layer/", views.CameraLayerApi.as_view(), name="api-camera-layer"),
    path("cameras/nearby/", views.CameraNearbyApi.as_view(), name="api-camera-nearby"),
    path("cameras/review/", views.ReviewQueueApi.as_view(), name="api-camera-review"),
    path("cameras/export/", transfer.CameraExportApi.as_view(), name="api-camera-export"),
    path("cameras/imports/<int:job_id>/", transfer.CameraImportJobApi.as_view(), name="api-camera-import-job"),
    path("cameras/<int:pk>/", views.CameraDetailApi.as_view(), name="api-camera-detail"),
    path("cameras/<int:pk>/update/", views.CameraUpdateApi.as_view(), name="api-camera-update"),
    path("cameras/<int:pk>/approve/", views.CameraApproveApi.as_view(), name="api-camera-approve"),
    path("cameras/<int:pk>/reject/", views.CameraRejectApi.as_view(), name="api-camera-reject"),
    path("cameras/<int:pk>/retire/", views.CameraRetireApi.as_view(), name="api-camera-retire"),
    path("cameras/<int:pk>/snapshot/", views.CameraSnapshotApi.as_view(), name="api-camera-snapshot"),
    path("cameras/<int:pk>/mou/", views.CameraMouApi.as_view(), name="api-camera-mou"),
    path("footage-requests/", footage.FootageRequestListApi.as_view(), name="api-footage-list"),
    path("footage-requests/create/", footage.FootageRequestCreateApi.as_view(), name="api-footage-create"),
    path("footage-requests/<int:pk>/fulfil/", footage.FootageRequestFulfilApi.as_view(), name="api-footage-fulfil"),
    path("footage-requests/<int:pk>/decline/", footage.FootageRequestDeclineApi.as_view(), name="api-footage-decline"),
]
