from django.urls import path

from cases.api import views
from cases.api.packet import CasePacketApi

urlpatterns = [
    path("cases/", views.CaseListApi.as_view(), name="api-case-list"),
    path("cases/review/", views.CaseReviewQueueApi.as_view(), name="api-case-review"),
    path("cases/<int:case_id>/", views.CaseDetailApi.as_view(), name="api-case-detail"),
    path("cases/<int:case_id>/log/", views.CaseLogApi.as_view(), name="api-case-log"),
    path("cases/<int:case_id>/links/", views.CaseLinksApi.as_view(), name="api-case-links"),
    path("cases/<int:case_id>/submit/", views.CaseSubmitApi.as_view(), name="api-case-submit"),
    path("cases/<int:case_id>/approve/", views.CaseApproveApi.as_view(), name="api-case-approve"),
    path("cases/<int:case_id>/return/", views.CaseReturnApi.as_view(), name="api-case-return"),
    path("cases/<int:case_id>/close/", views.CaseCloseApi.as_view(), name="api-case-close"),
    path("cases/<int:case_id>/packet/", CasePacketApi.as_view(), name="api-case-packet"),
]
