from django.urls import path

from feeds import views

urlpatterns = [
    path("feeds/health/", views.feed_health_page, name="feed-health"),
    path("feeds/import/", views.import_upload, name="feed-import"),
    path("feeds/import/<int:job_id>/", views.import_job_page, name="feed-import-job"),
]
