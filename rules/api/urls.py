from django.urls import path

from rules.api import views

urlpatterns = [
    path("rules/", views.RuleListApi.as_view(), name="api-rule-list"),
    path("rules/catalogue/", views.RuleCatalogueApi.as_view(), name="api-rule-catalogue"),
    path("rules/dry-run/", views.RuleDryRunApi.as_view(), name="api-rule-dry-run"),
    path("rules/<int:rule_id>/", views.RuleDetailApi.as_view(), name="api-rule-detail"),
    path("rules/<int:rule_id>/dry-run/", views.SavedRuleDryRunApi.as_view(), name="api-rule-saved-dry-run"),
    path("rules/<int:rule_id>/versions/", views.RuleVersionListApi.as_view(), name="api-rule-versions"),
]
