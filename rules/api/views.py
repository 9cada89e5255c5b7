"""Rules API: list/create, get/replace/patch/disable, history, catalogue and dry-run (admins)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from rtcc.errors import InvalidInput
from rules import selectors, services
from rules.api.serializers import CatalogueOut, DryRunIn, DryRunOut, RuleIn, RuleOut, VersionOut
from rules.models import Rule, RuleVersion
from rules.validation import rule_validate

HOURS = OpenApiParameter("hours", OpenApiTypes.INT, description="Window in hours (default 24, at most 72).")


def _rule_out(request: Request, rule: Rule) -> dict[str, Any]:
    return dict(RuleOut(selectors.rule_get_for_user(user=request.user, rule_id=rule.pk)).data)


class RuleListApi(generics.ListAPIView):
    """Rules with their last match; POST creates one (validated; errors name the path)."""

    capability = "rules.manage"
    permission_classes = [HasCapability]
    serializer_class = RuleOut

    def get_queryset(self) -> QuerySet[Rule]:
        return selectors.rule_list_visible_to(user=self.request.user)

    @extend_schema(request=RuleIn, responses={201: RuleOut})
    def post(self, request: Request) -> Response:
        rule = services.rule_create(user=request.user, data=request.data)  # type: ignore[arg-type]
        return Response(_rule_out(request, rule), status=201)


class RuleDetailApi(APIView):
    """One rule: GET, PUT (replace), PATCH (keys given), DELETE (disables it; history and matches stay)."""

    capability = "rules.manage"
    permission_classes = [HasCapability]

    @extend_schema(responses=RuleOut)
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(RuleOut(selectors.rule_get_for_user(user=request.user, rule_id=rule_id)).data)

    @extend_schema(request=RuleIn, responses=RuleOut)
    def put(self, request: Request, rule_id: int) -> Response:
        rule = services.rule_update(user=request.user, rule_id=rule_id, data=request.data, partial=False)  # type: ignore[arg-type]
        return Response(_rule_out(request, rule))

    @extend_schema(request=RuleIn(partial=True), responses=RuleOut)
    def patch(self, request: Request, rule_id: int) -> Response:
        rule = services.rule_update(user=request.user, rule_id=rule_id, data=request.data, partial=True)  # type: ignore[arg-type]
        return Response(_rule_out(request, rule))

    @extend_schema(responses={200: RuleOut}, description="Disables the rule and returns it (200, not 204).")
    def delete(self, request: Request, rule_id: int) -> Response:
        rule = services.rule_disable(user=request.user, rule_id=rule_id)  # type: ignore[arg-type]
        return Response(_rule_out(request, rule))


class RuleVersionListApi(generics.ListAPIView):
    """Every edit of a rule, oldest first, with its JSON before and after."""

    capability = "rules.manage"
    permission_classes = [HasCapability]
    serializer_class = VersionOut
    pagination_class = None
    queryset = RuleVersion.objects.none()  # for the schema's path parameter types

    def get_queryset(self) -> QuerySet[RuleVersion]:
        rule = selectors.rule_get_for_user(user=self.request.user, rule_id=self.kwargs["rule_id"])
        return rule.versions.select_related("changed_by").order_by("version")


class RuleCatalogueApi(APIView):
    """Fields and operators per trigger, roles and limits: what the rule editor offers."""

    capability = "rules.manage"
    permission_classes = [HasCapability]

    @extend_schema(responses=CatalogueOut)
    def get(self, request: Request) -> Response:
        return Response(selectors.rule_catalogue())


class RuleDryRunApi(APIView):
    """Dry-run an unsaved rule: which trigger events of the last `hours` would it have fired on?"""

    capability = "rules.manage"
    permission_classes = [HasCapability]

    @extend_schema(request=DryRunIn, parameters=[HOURS], responses=DryRunOut)
    def post(self, request: Request) -> Response:
        hours = selectors.dry_run_hours(request.query_params.get("hours"))
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise InvalidInput("rule: must be a JSON object")
        cleaned = rule_validate(data)
        spec = Rule(trigger=cleaned["trigger"], conditions=cleaned["conditions"], match_all=cleaned["match_all"])
        result = selectors.rule_dry_run(
            user=request.user,  # type: ignore[arg-type]
            rule=spec,
            name=cleaned["name"],
            title=cleaned["actions"]["raise_alert"]["title"],
            hours=hours,
        )
        return Response(result)


class SavedRuleDryRunApi(APIView):
    """Dry-run a saved rule (enabled or not) over the last `hours` of events."""

    capability = "rules.manage"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[HOURS], responses=DryRunOut)
    def get(self, request: Request, rule_id: int) -> Response:
        hours = selectors.dry_run_hours(request.query_params.get("hours"))
        rule = selectors.rule_get_for_user(user=request.user, rule_id=rule_id)
        result = selectors.rule_dry_run(
            user=request.user,  # type: ignore[arg-type]
            rule=rule,
            name=rule.name,
            title=rule.actions["raise_alert"]["title"],
            hours=hours,
        )
        return Response(result)
