from __future__ import annotations

from typing import Any

from django import forms

from feeds.imports.mapping import SHIPPED_DIR, shipped_mappings
from feeds.models import Feed

UPLOADED = "__upload__"
FEED_OWN = "__feed__"


class ImportForm(forms.Form):
    feed = forms.ModelChoiceField(queryset=Feed.objects.filter(enabled=True), help_text="Records join this feed.")
    mapping = forms.ChoiceField(help_text="A shipped mapping, or upload your own below.")
    mapping_file = forms.FileField(required=False, help_text="Mapping file (JSON or YAML), if not a shipped one.")
    file = forms.FileField(help_text="The CSV export.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(FEED_OWN, "The feed's own mapping")]
        choices += [(name, name) for name in shipped_mappings()] + [(UPLOADED, "Upload a mapping file…")]
        self.fields["mapping"].choices = choices  # type: ignore[attr-defined]

    def mapping_name_and_text(self) -> tuple[str, str]:
        choice = self.cleaned_data["mapping"]
        if choice == FEED_OWN:
            feed = self.cleaned_data["feed"]
            if not feed.mapping.strip():
                raise forms.ValidationError({"mapping": f"Feed {feed.name} has no mapping of its own."})
            return f"{feed.slug}.yaml", feed.mapping
        if choice != UPLOADED:
            return choice, (SHIPPED_DIR / choice).read_text(encoding="utf-8")
        upload = self.cleaned_data.get("mapping_file")
        if upload is None:
            raise forms.ValidationError({"mapping_file": "Choose a mapping file to upload."})
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError({"mapping_file": "The mapping file is not UTF-8 text."}) from exc
