from django.urls import path

from cases import views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/review/", views.review_queue, name="case-review"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
]
