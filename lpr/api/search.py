"""Read search, CSV export and legal holds: GET /api/v1/lpr/reads/search/, …/export/, POST …/legal-hold/.

Search and export need a purpose code and a case or CAD number (refused without them) and are
written to the audit trail with their criteria and result count (lpr/search.py).
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasCapability
from lpr import retention, search, search_export
from lpr.models import Read
from rtcc.api.inputs import DateTimeField, validated

PURPOSE_HELP = "Required. Why the search is made: a purpose code (RTCC_LPR_SEARCH_PURPOSES; audited)."
CASE_NUMBER_HELP = f"Required. The case or CAD number the search is for (≤ {search.CASE_NUMBER_MAX}; audited)."


class SearchQuery(serializers.Serializer):
    """Query parameters shared by search and export (types here; rules and refusals in lpr/search.py)."""

    purpose = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=PURPOSE_HELP,
    )
    case_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=CASE_NUMBER_HELP,
    )
    plate = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        source="plate_pattern",
        help_text="Plate, exact (ABC1234) or partial: ? is one unknown character, * any run (AB?12*). "
        f"At least {search.MIN_LITERALS} known characters. Optional when an area or a reader is given.",
    )
    state = serializers.CharField(required=False, allow_blank=True, default="", help_text="Two-letter state code.")
    since = DateTimeField(
        required=False,
        default=None,
        help_text=f"Start of the window (default: {search.DEFAULT_WINDOW_DAYS} days before until).",
    )
    until = DateTimeField(
        required=False,
        default=None,
        help_text=f"End of the window, exclusive (default: now). At most {search.MAX_WINDOW_DAYS} days after since.",
    )
    lat = serializers.FloatField(required=False, default=None, help_text="Radius search: latitude of the centre.")
    lon = serializers.FloatField(required=False, default=None, help_text="Radius search: longitude of the centre.")
    radius_m = serializers.FloatField(
        required=False, default=None, help_text=f"Radius search: metres (≤ {search.MAX_RADIUS_M:g})."
    )
    polygon = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=True,
        help_text=f"Area: a GeoJSON Polygon or WKT POLYGON in lon/lat (≤ {search.MAX_POLYGON_VERTICES} vertices).",
    )
    reader = serializers.IntegerField(required=False, default=None, source="reader_id", help_text="Reader id.")


class SearchPageQuery(SearchQuery):
    limit = serializers.IntegerField(
        required=False,
        default=None,
        help_text=f"Reads returned (default {search.DEFAULT_LIMIT}, ≤ {search.MAX_LIMIT}).",
    )


class ReaderRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReadOut(serializers.ModelSerializer):
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    reader = serializers.SerializerMethodField()

    class Meta:
        model = Read
        fields = (
            "id",
            "read_at",
            "plate",
            "plate_raw",
            "state",
            "confidence",
            "latitude",
            "longitude",
            "reader",
            "direction",
            "vehicle_make",
            "vehicle_model",
            "vehicle_color",
            "vehicle_type",
            "image_ref",
            "legal_hold",
            "case_number",
        )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_latitude(self, read: Read) -> float | None:
        return read.location.y if read.location else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_longitude(self, read: Read) -> float | None:
        return read.location.x if read.location else None

    @extend_schema_field(ReaderRef(allow_null=True))
    def get_reader(self, read: Read) -> dict[str, Any] | None:
        if read.reader_id is None:
            return None
        return {"id": read.reader_id, "name": read.reader.name if read.reader else ""}


class SearchOut(serializers.Serializer):
    total = serializers.IntegerField(help_text=f"Matching reads, counted exactly up to {search.TOTAL_CAP}.")
    total_capped = serializers.BooleanField(help_text=f"True: more than {search.TOTAL_CAP} reads match.")
    returned = serializers.IntegerField()
    criteria = serializers.DictField(help_text="The checked criteria, as recorded in the audit trail.")
    results = ReadOut(many=True)


# The serializer leaves purpose and case_number optional so that lpr/search.py refuses a search without
# them (same rule and message for page and API); the schema says what a client must send.
REQUIRED_PARAMETERS = [
    OpenApiParameter("purpose", str, required=True, description=PURPOSE_HELP),
    OpenApiParameter("case_number", str, required=True, description=CASE_NUMBER_HELP),
]


def _params(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in ("purpose", "case_number")}


class ReadSearchApi(APIView):
    """Search plate reads; `purpose` and `case_number` are required and every search is audited."""

    capability = "lpr.search"
    permission_classes = [HasCapability]

    @extend_schema(parameters=[SearchPageQuery, *REQUIRED_PARAMETERS], responses=SearchOut)
    def get(self, request: Request) -> Response:
        query = validated(SearchPageQuery, request.query_params)
        result = search.reads_search(
            user=request.user, purpose=query["purpose"], case_number=query["case_number"], **_params(query)
        )
        return Response(
            {
                "total": result.total,
                "total_capped": result.total_capped,
                "returned": len(result.reads),
                "criteria": result.criteria.as_json(),
                "results": ReadOut(result.reads, many=True).data,
            }
        )


class ReadExportApi(APIView):
    """The reads of a search as a CSV file (at most 10,000, newest first); audited like a search."""

    capability = "lpr.search"
    permission_classes = [HasCapability]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The answer is a CSV file; error bodies are JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(parameters=[SearchQuery, *REQUIRED_PARAMETERS], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> StreamingHttpResponse:
        query = validated(SearchQuery, request.query_params)
        _, chunks = search_export.reads_export(
            user=request.user, purpose=query["purpose"], case_number=query["case_number"], **_params(query)
        )
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="lpr-reads-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response


class LegalHoldIn(serializers.Serializer):
    read_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=retention.LEGAL_HOLD_MAX_READS
    )
    hold = serializers.BooleanField(help_text="true places the hold, false releases it.")
    reason = serializers.CharField(max_length=500, help_text="Why (audited).")
    case_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text='Also attach the reads to this case ("" detaches them); omit to leave it as it is.',
    )


class LegalHoldOut(serializers.Serializer):
    changed = serializers.IntegerField()


class ReadLegalHoldApi(APIView):
    """Place or release a legal hold on reads (kept past retention while held); supervisors and admins."""

    capability = retention.LEGAL_HOLD_CAPABILITY
    permission_classes = [HasCapability]

    @extend_schema(request=LegalHoldIn, responses=LegalHoldOut)
    def post(self, request: Request) -> Response:
        data = validated(LegalHoldIn, request.data)
        changed = retention.reads_set_legal_hold(user=request.user, **data)  # type: ignore[arg-type]
        return Response({"changed": changed})
