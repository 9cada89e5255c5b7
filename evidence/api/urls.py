from django.urls import path

from evidence.api import views

urlpatterns = [
    path("cases/<int:case_id>/evidence/", views.CaseEvidenceApi.as_view(), name="api-case-evidence"),
    path("evidence/<int:evidence_id>/", views.EvidenceDetailApi.as_view(), name="api-evidence-detail"),
    path("evidence/<int:evidence_id>/download/", views.EvidenceDownloadApi.as_view(), name="api-evidence-download"),
    path("evidence/<int:evidence_id>/verify/", views.EvidenceVerifyApi.as_view(), name="api-evidence-verify"),
    path("evidence/<int:evidence_id>/hold/", views.EvidenceHoldApi.as_view(), name="api-evidence-hold"),
]
