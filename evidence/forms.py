from __future__ import annotations

from django import forms

from evidence.choices import EvidenceKind


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(allow_empty_file=True, help_text="Video, image, PDF, ZIP, CSV or JSON.")
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=EvidenceKind.choices, initial=EvidenceKind.VIDEO)
    source = forms.CharField(max_length=500, required=False, help_text="Where it came from, e.g. the owner's name.")
    source_camera_id = forms.IntegerField(required=False, label="Camera id", min_value=1)
    source_footage_request_id = forms.IntegerField(required=False, label="Footage request id", min_value=1)
