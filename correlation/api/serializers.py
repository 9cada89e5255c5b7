"""Input and output of GET /api/v1/correlation/."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from correlation import selectors
from rtcc.api.inputs import DateTimeField

PURPOSE_HELP = (
    "Unlocks plate reads and GPS subjects: a purpose code of the LPR search (RTCC_LPR_SEARCH_PURPOSES); "
    "needs case_number too. Audited."
)


class CorrelationQuery(serializers.Serializer):
    """One anchor: incident, alert, or lat + lon (+ at); then radius, window and the purpose."""

    incident = serializers.IntegerField(required=False, min_value=1, help_text="Incident id: its location and time.")
    alert = serializers.IntegerField(required=False, min_value=1, help_text="Alert id: its location and time.")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90, help_text="Map point: latitude.")
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180, help_text="Map point: longitude.")
    at = DateTimeField(required=False, help_text="Map point: the moment (default now).")
    radius = serializers.FloatField(
        required=False,
        default=selectors.DEFAULT_RADIUS_M,
        min_value=selectors.MIN_RADIUS_M,
        max_value=selectors.MAX_RADIUS_M,
        help_text=f"Metres ({selectors.MIN_RADIUS_M} to {selectors.MAX_RADIUS_M}).",
    )
    window = serializers.FloatField(
        required=False,
        default=selectors.DEFAULT_WINDOW_MIN,
        min_value=selectors.MIN_WINDOW_MIN,
        max_value=selectors.MAX_WINDOW_MIN,
        help_text=f"Minutes either side of the moment ({selectors.MIN_WINDOW_MIN} to {selectors.MAX_WINDOW_MIN}).",
    )
    operation = serializers.IntegerField(
        required=False, min_value=1, help_text="Large-event operation id: keep only items inside its area."
    )
    purpose = serializers.CharField(required=False, allow_blank=True, default="", help_text=PURPOSE_HELP)
    case_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Case or CAD number (audited)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        point = "lat" in attrs or "lon" in attrs
        given = [name for name, present in (("incident", "incident" in attrs), ("alert", "alert" in attrs)) if present]
        if point:
            given.append("lat")
        if not given:
            raise serializers.ValidationError({"incident": "give incident, alert, or lat and lon."})
        if len(given) > 1:
            raise serializers.ValidationError({given[1]: f"give only one of incident, alert or lat/lon ({given[0]})."})
        if point and ("lat" not in attrs or "lon" not in attrs):
            missing = "lon" if "lat" in attrs else "lat"
            raise serializers.ValidationError({missing: "a map point needs both lat and lon."})
        if "at" in attrs and not point:
            raise serializers.ValidationError({"at": "only with lat and lon (an incident or alert has its own time)."})
        return attrs


class AnchorOut(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    at = serializers.DateTimeField()
    label = serializers.CharField()  # type: ignore[assignment]
    address = serializers.CharField()
    incident_id = serializers.IntegerField(allow_null=True)
    cad_number = serializers.CharField()


class SectionOut(serializers.Serializer):
    """A section: `items` (each with distance_m, and offset_s where it has a time), or `withheld`."""

    withheld = serializers.CharField(
        required=False,
        help_text=f"Set instead of items: '{selectors.WITHHELD_PURPOSE}' or '{selectors.WITHHELD_ROLE}'.",
    )
    items = serializers.ListField(child=serializers.DictField(), required=False)
    count = serializers.IntegerField(required=False)
    capped = serializers.BooleanField(required=False, help_text="True: the section was cut at its maximum.")


class CameraSectionOut(SectionOut):
    seeing = serializers.IntegerField(required=False, help_text="How many of the cameras see the spot.")


class SectionsOut(serializers.Serializer):
    cameras = CameraSectionOut()
    lpr_reads = SectionOut()
    shots = SectionOut()
    gps_subjects = SectionOut()
    prior_incidents = SectionOut()


class CorrelationOut(serializers.Serializer):
    anchor = AnchorOut()
    radius_m = serializers.FloatField()
    window_min = serializers.FloatField()
    operation = serializers.IntegerField(allow_null=True, help_text="The operation the items were scoped to.")
    purpose = serializers.CharField(help_text="Echoed when it unlocked sections, else empty.")
    case_number = serializers.CharField()
    sections = SectionsOut()
