from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms

from feeds.imports.mapping import SHIPPED_DIR, shipped_mappings
from feeds.models import Feed

UPLOADED = "__upload__"
FEED_OWN = "__feed__"


class MappingUploadForm(forms.Form):
    """A file plus a mapping: one of the shipped ones (in `shipped_dir`) or an uploaded one."""

    shipped_dir: Path = SHIPPED_DIR
    mapping = forms.ChoiceField(help_text="A shipped mapping, or upload your own below.")
    mapping_file = forms.FileField(required=False, help_text="Mapping file (JSON or YAML), if not a shipped one.")
    file = forms.FileField(help_text="The CSV export.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(name, name) for name in shipped_mappings(self.shipped_dir)] + [(UPLOADED, "Upload a mapping file…")]
        self.fields["mapping"].choices = self.extra_mapping_choices() + choices  # type: ignore[attr-defined]

    def extra_mapping_choices(self) -> list[tuple[str, str]]:
        return []

    def mapping_name_and_text(self) -> tuple[str, str]:
        choice = self.cleaned_data["mapping"]
        if choice != UPLOADED:
            return choice, (self.shipped_dir / choice).read_text(encoding="utf-8")
        upload = self.cleaned_data.get("mapping_file")
        if upload is None:
            raise forms.ValidationError({"mapping_file": "Choose a mapping file to upload."})
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError({"mapping_file": "The mapping file is not UTF-8 text."}) from exc


class ImportForm(MappingUploadForm):
    feed = forms.ModelChoiceField(queryset=Feed.objects.filter(enabled=True), help_text="Records join this feed.")
    field_order = ["feed", "mapping", "mapping_file", "file"]

    def extra_mapping_choices(self) -> list[tuple[str, str]]:
        return [(FEED_OWN, "The feed's own mapping")]

    def mapping_name_and_text(self) -> tuple[str, str]:
        if self.cleaned_data["mapping"] == FEED_OWN:
            feed = self.cleaned_data["feed"]
            if not feed.mapping.strip():
                raise forms.ValidationError({"mapping": f"Feed {feed.name} has no mapping of its own."})
            return f"{feed.slug}.yaml", feed.mapping
        return super().mapping_name_and_text()
