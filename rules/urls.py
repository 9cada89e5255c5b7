from django.urls import path

from rules import views

urlpatterns = [
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule-edit"),
]
