from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from monitoring import selectors
from rtcc.errors import InvalidInput


class Purpose(models.TextChoices):
    ACTIVE_INCIDENT = "active_incident", "Active incident"
    INVESTIGATION = "investigation", "Criminal investigation"
    VICTIM_SAFETY = "victim_safety", "Victim safety"
    SUPERVISION = "supervision", "Supervision check"


class TrackQuery(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices, help_text="Why the track is viewed (audited).")
    case_number = serializers.CharField(max_length=64, help_text="Incident or case number (audited).")
    hours = serializers.FloatField(min_value=0.25, max_value=72, default=6)


class SubjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    supervision_type = serializers.CharField()
    last_ping_at = serializers.DateTimeField(allow_null=True)


class SubjectListApi(APIView):
    """Monitored subjects (no positions): the list a track request starts from."""

    capability = "monitoring.tracks"
    permission_classes = [HasCapability]

    @extend_schema(responses=SubjectOut(many=True))
    def get(self, request: Request) -> Response:
        subjects = selectors.subject_list_visible_to(user=request.user)
        return Response(SubjectOut(subjects, many=True).data)


class SubjectTrackApi(APIView):
    """A subject's track as GeoJSON; `purpose` and `case_number` are required and audited."""

    capability = "monitoring.tracks"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[TrackQuery], responses={200: dict})
    def get(self, request: Request, subject_id: int) -> Response:
        query = TrackQuery(data=request.query_params)
        if not query.is_valid():
            field, messages = next(iter(query.errors.items()))
            raise InvalidInput(f"{field}: {' '.join(str(m) for m in messages)}", details=query.errors)
        track = selectors.subject_track_for_user(user=request.user, subject_id=subject_id, **query.validated_data)
        return Response(track)
