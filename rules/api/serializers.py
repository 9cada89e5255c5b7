"""Rule API shapes. Input is checked by rules.validation (one place); RuleIn documents it."""

from __future__ import annotations

from rest_framework import serializers

from rules.choices import RuleTrigger
from rules.models import Rule, RuleVersion


class ConditionIn(serializers.Serializer):
    field = serializers.CharField(help_text="A field of the trigger (see /api/v1/rules/catalogue/).")
    op = serializers.ChoiceField(choices=["eq", "in", "not_in", "lte", "gte", "contains"])
    value = serializers.JSONField(help_text="One value, or a list for in / not_in.")


class RuleIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    enabled = serializers.BooleanField(required=False, default=True)
    trigger = serializers.ChoiceField(choices=RuleTrigger.choices)
    conditions = ConditionIn(many=True, required=False)
    match_all = serializers.BooleanField(required=False, default=False)
    actions = serializers.JSONField(
        help_text='{"raise_alert": {"priority": 1, "title": "{call_type} at {address}"}, '
        '"audience": "ops" | {"roles": [], "users": []}, "attach_cameras": 0-10, "open_correlation": false}'
    )


class DryRunIn(RuleIn):
    pass


class RuleOut(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    updated_by = serializers.CharField(source="updated_by.username", read_only=True)
    last_matched_at = serializers.DateTimeField(read_only=True, allow_null=True)
    match_count = serializers.IntegerField(read_only=True)
    conditions = serializers.JSONField()
    actions = serializers.JSONField()

    class Meta:
        model = Rule
        fields = (
            "id",
            "name",
            "enabled",
            "trigger",
            "conditions",
            "match_all",
            "actions",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "last_matched_at",
            "match_count",
        )


class VersionOut(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", read_only=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField()

    class Meta:
        model = RuleVersion
        fields = ("version", "change", "changed_by", "changed_at", "before", "after")


class DryRunMatchOut(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    event_type = serializers.CharField()
    source_ref = serializers.CharField()
    summary = serializers.CharField()
    title = serializers.CharField()


class DryRunOut(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    hours = serializers.IntegerField()
    events_evaluated = serializers.IntegerField()
    sources_evaluated = serializers.IntegerField()
    match_count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    matches = DryRunMatchOut(many=True)


class FieldOut(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()  # type: ignore[assignment]


class TriggerOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    events = serializers.ListField(child=serializers.CharField())
    fields = FieldOut(many=True)  # type: ignore[assignment]


class OperatorOut(serializers.Serializer):
    value = serializers.CharField()
    types = serializers.ListField(child=serializers.CharField())
    takes_list = serializers.BooleanField()


class CatalogueOut(serializers.Serializer):
    triggers = TriggerOut(many=True)
    operators = OperatorOut(many=True)
    roles = serializers.ListField(child=serializers.CharField())
    priorities = serializers.ListField(child=serializers.IntegerField())
    max_attach_cameras = serializers.IntegerField()
    max_dry_run_hours = serializers.IntegerField()
