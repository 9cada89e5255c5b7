from __future__ import annotations

from rest_framework import serializers

from cases.choices import USER_LOG_KIND_CHOICES, CaseStatus, Contribution, LinkKind, LogKind, Outcome
from cases.models import Case, CaseLink, CaseLogEntry
from rtcc.api.inputs import DateTimeField


class CaseOut(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)
    contributions = serializers.ListField(child=serializers.ChoiceField(choices=Contribution.choices), read_only=True)
    lead = serializers.CharField(source="lead.username", read_only=True)
    lead_id = serializers.IntegerField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)
    contributors = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = (
            "id",
            "number",
            "title",
            "summary",
            "status",
            "lead",
            "lead_id",
            "contributors",
            "contributions",
            "outcome",
            "external_numbers",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_at",
            "approved_by",
            "approved_at",
            "closed_at",
        )

    def get_contributors(self, case: Case) -> list[str]:
        return [user.username for user in case.contributors.all()]


class CaseLinkOut(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices, read_only=True)
    added_by = serializers.CharField(source="added_by.username", read_only=True)

    class Meta:
        model = CaseLink
        fields = ("id", "kind", "object_id", "label", "added_by", "added_at")


class CaseLogEntryOut(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=LogKind.choices, read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    corrects = serializers.IntegerField(source="corrects_id", read_only=True, allow_null=True)
    corrected_by = serializers.ListField(child=serializers.IntegerField(), read_only=True, default=list)

    class Meta:
        model = CaseLogEntry
        fields = (
            "id",
            "kind",
            "text",
            "author",
            "action_at",
            "recorded_at",
            "corrects",
            "corrected_by",
            "after_approval",
            "audit_event_id",
        )


class CaseDetailOut(CaseOut):
    links = CaseLinkOut(many=True, read_only=True)
    log = CaseLogEntryOut(many=True, read_only=True)

    class Meta(CaseOut.Meta):
        fields = (*CaseOut.Meta.fields, "links", "log")  # type: ignore[assignment]


class CaseLinkIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    object_id = serializers.IntegerField(min_value=1)


class CaseIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    lead_id = serializers.IntegerField(required=False, min_value=1)
    links = CaseLinkIn(many=True, required=False)


class CasePatchIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    lead = serializers.IntegerField(required=False, min_value=1, help_text="User id of the lead analyst.")
    contributors = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)
    contributions = serializers.ListField(
        child=serializers.ChoiceField(choices=Contribution.choices), required=False, max_length=10
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    external_numbers = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=20)


class CaseLogEntryIn(serializers.Serializer):
    text = serializers.CharField(max_length=8000, trim_whitespace=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=USER_LOG_KIND_CHOICES, default=LogKind.NOTE)
    action_at = DateTimeField(required=False, help_text="When it happened; default now.")
    corrects_id = serializers.IntegerField(required=False, min_value=1, help_text="The entry a correction corrects.")
    audit_event_id = serializers.IntegerField(required=False, min_value=1, help_text="The audited plate search.")


class CaseReturnIn(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, trim_whitespace=False, allow_blank=True)
