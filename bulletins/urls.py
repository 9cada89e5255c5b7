from django.urls import path

from bulletins import views

urlpatterns = [
    path("bulletins/", views.bulletin_list, name="bulletin-list"),
    path("bulletins/new/", views.bulletin_new, name="bulletin-new"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin-detail"),
    path("bulletins/<int:bulletin_id>/edit/", views.bulletin_edit, name="bulletin-edit"),
    path("bulletins/<int:bulletin_id>/pdf/", views.bulletin_pdf_download, name="bulletin-pdf"),
    *(
        path(
            f"bulletins/<int:bulletin_id>/{action}/",
            views.BulletinActionView.as_view(action=action),
            name=f"bulletin-{action}",
        )
        for action in ("submit", "approve", "disseminate", "withdraw")
    ),
]
