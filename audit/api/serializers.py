from __future__ import annotations

from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventOut(serializers.ModelSerializer):
    user = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "seq",
            "at",
            "actor",
            "user",
            "action",
            "object_ref",
            "purpose",
            "case_number",
            "details",
            "prev_hash",
            "hash",
        )
