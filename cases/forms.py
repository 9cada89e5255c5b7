from __future__ import annotations

from django import forms

from cases.choices import USER_LOG_KIND_CHOICES


class CaseForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=USER_LOG_KIND_CHOICES)
    text = forms.CharField(max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action_at = forms.DateTimeField(
        required=False,
        label="Time of action",
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    corrects_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
