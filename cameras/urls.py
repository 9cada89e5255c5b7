from django.urls import path

from cameras import import_views, views

urlpatterns = [
    path("cameras/register/", views.register, name="camera-register"),
    path("cameras/register/thanks/", views.register_thanks, name="camera-register-thanks"),
    path("cameras/review/", views.review_queue, name="camera-review"),
    path("cameras/import/", import_views.camera_import_upload, name="camera-import"),
    path("cameras/import/<int:job_id>/", import_views.camera_import_job_page, name="camera-import-job"),
]
