from django.urls import path

from evidence import views

urlpatterns = [
    path("evidence/<int:evidence_id>/", views.evidence_detail, name="evidence-detail"),
    path("cases/<int:case_id>/evidence/new/", views.evidence_upload_page, name="evidence-upload"),
]
