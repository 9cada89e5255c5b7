"""Rules pages: the list (enable toggle, last match) and the editor (built by rules/editor.js)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from accounts.permissions import capability_required
from rtcc.errors import NotFound, render_application_error
from rules import selectors
from rules.services import rule_as_json

NEW_RULE = {
    "name": "",
    "enabled": True,
    "trigger": "incident",
    "conditions": [{"field": "priority", "op": "eq", "value": 1}],
    "match_all": False,
    "actions": {
        "raise_alert": {"priority": 2, "title": "{call_type} at {address}"},
        "audience": "ops",
        "attach_cameras": 0,
        "open_correlation": False,
    },
}


def _api_urls() -> dict[str, str]:
    return {
        "listUrl": reverse("api-rule-list"),
        "catalogueUrl": reverse("api-rule-catalogue"),
        "dryRunUrl": reverse("api-rule-dry-run"),
        "detailUrlTemplate": reverse("api-rule-detail", args=[0]).replace("/0/", "/{id}/"),
        "editUrlTemplate": reverse("rule-edit", args=[0]).replace("/0/", "/{id}/"),
        "listPageUrl": reverse("rule-list"),
    }


@ensure_csrf_cookie
@capability_required("rules.manage")
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule with its trigger, enabled toggle and last match."""
    rules = list(selectors.rule_list_visible_to(user=request.user))
    return render(request, "rules/list.html", {"rules": rules, "rules_config": _api_urls()})


@ensure_csrf_cookie
@capability_required("rules.manage")
def rule_new(request: HttpRequest) -> HttpResponse:
    config = {**_api_urls(), "ruleId": None, "rule": NEW_RULE, "catalogue": selectors.rule_catalogue()}
    return render(request, "rules/editor.html", {"rule": None, "editor_config": config, "matches": []})


@ensure_csrf_cookie
@capability_required("rules.manage")
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    try:
        rule = selectors.rule_get_for_user(user=request.user, rule_id=rule_id)
    except NotFound as exc:
        return render_application_error(request, exc)
    config = {**_api_urls(), "ruleId": rule.pk, "rule": rule_as_json(rule), "catalogue": selectors.rule_catalogue()}
    matches = list(selectors.rule_recent_matches(rule=rule))
    return render(request, "rules/editor.html", {"rule": rule, "editor_config": config, "matches": matches})
