from __future__ import annotations

from rest_framework import serializers

from shifts.models import HandoverNote, ShiftSignOn
from shifts.services import MAX_NOTE_CHARS


class ShiftWindowOut(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SignOnOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model = ShiftSignOn
        fields = ["id", "user", "shift_date", "shift", "signed_on_at", "signed_off_at"]


class HandoverNoteOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = HandoverNote
        fields = ["id", "shift_date", "shift", "author", "text", "open_items", "watch_items", "created_at"]


class HandoverNoteIn(serializers.Serializer):
    # Blank text passes here so the service gives the one message ("text: required").
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE_CHARS + 1000)
    open_items = serializers.CharField(allow_blank=True, required=False, default="", max_length=MAX_NOTE_CHARS)
    watch_items = serializers.CharField(allow_blank=True, required=False, default="", max_length=MAX_NOTE_CHARS)


class HandoverQueryIn(serializers.Serializer):
    date = serializers.DateField(required=False)


class CurrentShiftOut(serializers.Serializer):
    shift = ShiftWindowOut()
    previous = ShiftWindowOut()
    on_duty = SignOnOut(many=True)
    signed_on = serializers.BooleanField(help_text="Whether the requesting user is on duty this shift.")
    handover_received = HandoverNoteOut(many=True, help_text="Notes written during the previous shift.")
    notes = HandoverNoteOut(many=True, help_text="Notes written during this shift (for the next one).")
    banner_minutes = serializers.IntegerField()
    server_time = serializers.DateTimeField()
