from __future__ import annotations

import orjson
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from rtcc import selectors
from rtcc.errors import InvalidInput


class EventsQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, help_text="Last seq the client has applied.")
    limit = serializers.IntegerField(min_value=1, max_value=5000, default=1000)


class EventListApi(APIView):
    """Events a client missed: everything with seq > `after`, oldest first."""

    capability = "ops.stream"
    permission_classes = [HasCapability]

    @extend_schema(
        parameters=[EventsQuery],
        responses=inline_serializer(
            "EventPage",
            {
                "events": serializers.ListField(child=serializers.DictField()),
                "latest_seq": serializers.IntegerField(),
                "has_more": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request: Request) -> HttpResponse:
        query = EventsQuery(data=request.query_params)
        if not query.is_valid():
            field, messages = next(iter(query.errors.items()))
            raise InvalidInput(f"{field}: {' '.join(str(m) for m in messages)}", details=query.errors)
        events, latest, has_more = selectors.events_after(
            user=request.user, after=query.validated_data["after"], limit=query.validated_data["limit"]
        )
        # orjson: the payloads are JSON text already (selectors.events_after), written as they are.
        body = orjson.dumps({"events": events, "latest_seq": latest, "has_more": has_more})
        return HttpResponse(body, content_type="application/json")
