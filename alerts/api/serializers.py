"""Alert API shapes. Output serializers describe the payload dicts of alerts.events (one shape everywhere)."""

from __future__ import annotations

from rest_framework import serializers

from alerts.choices import AlertStatus, AlertType
from rtcc.api.inputs import DateTimeField


class UserRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class AlertOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=AlertType.choices)
    type_label = serializers.CharField()
    priority = serializers.IntegerField()
    title = serializers.CharField()
    detail = serializers.CharField()
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    disposition = serializers.CharField(help_text="Empty until resolved; 'system' when the source cleared it.")
    resolution_note = serializers.CharField()
    source_key = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    assigned_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    seconds_to_acknowledge = serializers.IntegerField(allow_null=True)
    seconds_to_resolve = serializers.IntegerField(allow_null=True)
    acknowledged_by = UserRefOut(allow_null=True)
    assignee = UserRefOut(allow_null=True)
    resolved_by = UserRefOut(allow_null=True)
    notes_count = serializers.IntegerField()
    muted = serializers.BooleanField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # "context" is also Serializer.context (the request context), so the field is added here.
        fields = super().get_fields()
        fields["context"] = serializers.DictField(help_text="Extra facts: hit_id, attached cameras, rule…")
        return fields


class AlertNoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = UserRefOut()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AlertDetailOut(AlertOut):
    notes = AlertNoteOut(many=True)


class AlertAssignIn(serializers.Serializer):
    assignee = serializers.IntegerField(required=False, allow_null=True, help_text="User id; default: yourself.")


class AlertResolveIn(serializers.Serializer):
    disposition = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AlertNoteIn(serializers.Serializer):
    text = serializers.CharField(max_length=1000)


class AlertBulkAcknowledgeIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=200)


class AlertBulkResultOut(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.IntegerField(help_text="HTTP status the single action would have had (200, 404, 409).")
    error = serializers.CharField()


class AlertBulkAcknowledgeOut(serializers.Serializer):
    acknowledged = serializers.IntegerField()
    results = AlertBulkResultOut(many=True)


class AlertMuteIn(serializers.Serializer):
    type = serializers.CharField(required=False, allow_blank=True, default="")
    source_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)
    reason = serializers.CharField(max_length=200)
    expires_at = DateTimeField()


class AlertMuteOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    source_key = serializers.CharField()
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    created_by = UserRefOut()
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_by = UserRefOut(allow_null=True)


class WorkloadOut(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    handled_last_hour = serializers.IntegerField(help_text="Alerts acknowledged or taken in the last 60 min.")
    open_raised_last_hour = serializers.IntegerField(help_text="Open alerts raised on their streams, last 60 min.")
    per_hour = serializers.IntegerField(help_text="The larger of the two: the gauge value.")
    threshold = serializers.IntegerField()
    overload = serializers.BooleanField(help_text="per_hour above the ISA-18.2 threshold.")
