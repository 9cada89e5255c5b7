from django.urls import path

from bulletins.api import views

urlpatterns = [
    path("bulletins/", views.BulletinListApi.as_view(), name="api-bulletin-list"),
    path("bulletins/<int:bulletin_id>/", views.BulletinDetailApi.as_view(), name="api-bulletin-detail"),
    path("bulletins/<int:bulletin_id>/submit/", views.BulletinSubmitApi.as_view(), name="api-bulletin-submit"),
    path("bulletins/<int:bulletin_id>/approve/", views.BulletinApproveApi.as_view(), name="api-bulletin-approve"),
    path("bulletins/<int:bulletin_id>/withdraw/", views.BulletinWithdrawApi.as_view(), name="api-bulletin-withdraw"),
    path(
        "bulletins/<int:bulletin_id>/disseminate/",
        views.BulletinDisseminateApi.as_view(),
        name="api-bulletin-disseminate",
    ),
    path("bulletins/<int:bulletin_id>/photos/", views.BulletinPhotoApi.as_view(), name="api-bulletin-photos"),
    path("bulletins/<int:bulletin_id>/versions/", views.BulletinVersionsApi.as_view(), name="api-bulletin-versions"),
    path(
        "bulletins/<int:bulletin_id>/disseminations/",
        views.BulletinDisseminationsApi.as_view(),
        name="api-bulletin-disseminations",
    ),
    path("bulletins/<int:bulletin_id>/pdf/", views.BulletinPdfApi.as_view(), name="api-bulletin-pdf"),
]
