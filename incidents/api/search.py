"""The map's quick search: a CAD number (exact), an address (contains, newest first) or a plate.

Plates are not searched here: reads of plates need a purpose and a case number, so a plate result
only links to the LPR search page with the plate filled in. Every search is audited (query and
result count), like any search of operational data.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from accounts.roles import has_capability
from audit.services import audit_record
from incidents import selectors
from incidents.models import Incident
from rtcc.api.inputs import validated

ADDRESS_LIMIT = 10
# Plates as readers report them: letters and digits (at least one digit), at most 8, no spaces.
PLATE_PATTERN = re.compile(r"^(?=.*\d)[A-Z0-9]{2,8}$")


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        min_length=2, max_length=64, trim_whitespace=True, help_text="CAD number, address or plate."
    )


class SearchResultOut(serializers.Serializer):
    kind = serializers.CharField(help_text="incident (CAD number), address or plate (a link to the LPR search).")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    id = serializers.IntegerField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    url = serializers.CharField(allow_null=True)


def _incident_result(incident: Incident, kind: str) -> dict[str, Any]:
    what = incident.final_call_type or incident.call_type
    where = incident.address or "no address"
    status = incident.status.replace("_", " ")
    return {
        "kind": kind,
        "label": f"#{incident.external_id} · P{incident.priority} {what} · {where} · {status}",
        "id": incident.pk,
        "lat": incident.location.y if incident.location else None,
        "lon": incident.location.x if incident.location else None,
        "url": reverse("api-incident-detail", args=[incident.pk]),
    }


def map_search(*, user: AbstractBaseUser | AnonymousUser, q: str) -> list[dict[str, Any]]:
    """Typed results for `q`, recorded in the audit trail with the number of results."""
    incidents = selectors.incident_list_visible_to(user=user)
    results: list[dict[str, Any]] = []
    with transaction.atomic():
        exact = list(incidents.filter(external_id__iexact=q).order_by("-received_at")[:5])
        results += [_incident_result(i, "incident") for i in exact]
        seen = {i.pk for i in exact}
        by_address = incidents.filter(address__icontains=q).exclude(pk__in=seen).order_by("-received_at", "-id")
        results += [_incident_result(i, "address") for i in by_address[:ADDRESS_LIMIT]]
        plate = re.sub(r"[\s-]", "", q).upper()
        if not exact and PLATE_PATTERN.match(plate) and has_capability(user, "lpr.search"):
            results.append(
                {
                    "kind": "plate",
                    "label": f"Search LPR reads for plate {plate} (purpose and case number required)",
                    "id": None,
                    "lat": None,
                    "lon": None,
                    "url": f"{reverse('lpr-search')}?{urlencode({'plate': plate})}",
                }
            )
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action="ops.search",
            details={"q": q, "results": len(results)},
        )
    return results


class MapSearchApi(APIView):
    """Quick search of the ops map; `q` 2 to 64 characters; audited."""

    capability = "ops.search"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[SearchQuery], responses=SearchResultOut(many=True))
    def get(self, request: Request) -> Response:
        query = validated(SearchQuery, request.query_params)
        return Response(SearchResultOut(map_search(user=request.user, q=query["q"]), many=True).data)
