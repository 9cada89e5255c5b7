from __future__ import annotations

from typing import Any

from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()]


class OperationForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    beat_codes = forms.CharField(required=False, help_text="e.g. 0112, 0113", max_length=2000)
    district_codes = forms.CharField(required=False, help_text="e.g. 01", max_length=500)
    area_geojson = forms.CharField(
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "placeholder": '{"type": "Polygon", ...}'}),
        label="Area GeoJSON",
    )
    area_file = forms.FileField(required=False, label="…or a GeoJSON file", help_text="At most 5 MB.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("area_file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("area_file: larger than 5 MB")
            if data.get("area_geojson"):
                raise forms.ValidationError("area: paste GeoJSON or upload a file, not both")
            try:
                data["area_geojson"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError("area_file: not UTF-8 text") from exc
        return data
