"""GET /api/v1/correlation/: cameras, plate reads, shots, GPS subjects and prior incidents around a spot."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from correlation import anchors, selectors
from correlation.api.serializers import CorrelationOut, CorrelationQuery
from correlation.scope import scene_within_operation
from operations.selectors import operation_get_for_user
from rtcc.api.inputs import validated


class CorrelationApi(APIView):
    """Everything around an incident, an alert or a map point within `radius` metres and ±`window` minutes.

    Plate reads and GPS subjects need lpr.search / monitoring.tracks and a purpose code with a case
    number; without them those sections say `withheld`. Each view of them is audited.
    """

    capability = "correlation.read"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[CorrelationQuery], responses=CorrelationOut)
    def get(self, request: Request) -> Response:
        query = validated(CorrelationQuery, request.query_params)
        operation = (
            operation_get_for_user(user=request.user, operation_id=query["operation"]) if "operation" in query else None
        )
        if "incident" in query:
            anchor = anchors.anchor_for_incident(user=request.user, incident_id=query["incident"])
        elif "alert" in query:
            anchor = anchors.anchor_for_alert(user=request.user, alert_id=query["alert"])
        else:
            anchor = anchors.Anchor(lat=query["lat"], lon=query["lon"], at=query.get("at") or timezone.now())
        why = selectors.check_purpose(query["purpose"], query["case_number"])
        sections = selectors.scene(
            user=request.user,
            lat=anchor.lat,
            lon=anchor.lon,
            at=anchor.at,
            radius_m=query["radius"],
            window_min=query["window"],
            purpose=query["purpose"],
            case_number=query["case_number"],
            exclude_incident_id=anchor.incident_id,
            address=anchor.address,
        )
        if operation is not None:
            sections = scene_within_operation(sections, operation)
        return Response(
            {
                "anchor": {**asdict(anchor), "at": anchor.at.isoformat()},
                "radius_m": query["radius"],
                "window_min": query["window"],
                "operation": operation.pk if operation is not None else None,
                "purpose": why[0] if why else "",
                "case_number": why[1] if why else "",
                "sections": sections,
            }
        )
