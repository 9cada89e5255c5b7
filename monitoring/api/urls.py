from django.urls import path

from monitoring.api import views

urlpatterns = [
    path("monitoring/subjects/", views.SubjectListApi.as_view(), name="api-subject-list"),
    path("monitoring/subjects/<int:subject_id>/track/", views.SubjectTrackApi.as_view(), name="api-subject-track"),
]
