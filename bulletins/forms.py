"""The create/edit form of the bulletin pages: blocks are typed as 'key: value' lines, blank line between blocks."""

from __future__ import annotations

from typing import Any

from django import forms

from bulletins.choices import BulletinKind, Channel, HandlingMarking
from bulletins.models import Bulletin
from bulletins.services import SUBJECT_KEYS, VEHICLE_KEYS


def parse_blocks(field: str, raw: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """'name: J. Doe\\ndob: 1990' blocks separated by blank lines → list of dicts."""
    blocks: list[dict[str, str]] = []
    for chunk in [c for c in raw.replace("\r\n", "\n").split("\n\n") if c.strip()]:
        block: dict[str, str] = {}
        for line in chunk.splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if not sep or key not in keys:
                raise forms.ValidationError(f"{field}: write 'key: value' lines with keys {', '.join(keys)}")
            block[key] = (block.get(key, "") + " " + value.strip()).strip()
        blocks.append(block)
    return blocks


def format_blocks(blocks: list[dict[str, str]]) -> str:
    return "\n\n".join("\n".join(f"{k}: {v}" for k, v in block.items() if v) for block in blocks)


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(choices=BulletinKind.choices)
    title = forms.CharField(max_length=200)
    marking = forms.ChoiceField(choices=HandlingMarking.choices, initial=HandlingMarking.LES, label="Handling marking")
    summary = forms.CharField(required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    subjects = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "name: …\ndob: …\ndescription: …\nidentifiers: …"}),
        help_text="One block per subject, blank line between blocks. Keys: " + ", ".join(SUBJECT_KEYS),
    )
    vehicles = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "plate: …\nstate: …\nmake: …\nmodel: …\ncolour: …"}),
        help_text="One block per vehicle. Keys: " + ", ".join(VEHICLE_KEYS),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180)
    location_label = forms.CharField(required=False, max_length=200, label="Location description")
    contact_name = forms.CharField(required=False, max_length=120)
    contact_phone = forms.CharField(required=False, max_length=40)
    contact_email = forms.EmailField(required=False)
    expires_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    case_id = forms.IntegerField(required=False, label="Case id (optional)")
    photo = forms.FileField(required=False, label="Add a photo", help_text="JPEG, PNG, GIF or WebP.")

    def clean_subjects(self) -> list[dict[str, str]]:
        return parse_blocks("subjects", self.cleaned_data["subjects"], SUBJECT_KEYS)

    def clean_vehicles(self) -> list[dict[str, str]]:
        return parse_blocks("vehicles", self.cleaned_data["vehicles"], VEHICLE_KEYS)

    @classmethod
    def initial_for(cls, bulletin: Bulletin) -> dict[str, Any]:
        location = bulletin.location
        return {
            "kind": bulletin.kind,
            "title": bulletin.title,
            "marking": bulletin.marking,
            "summary": bulletin.summary,
            "subjects": format_blocks(bulletin.subjects),
            "vehicles": format_blocks(bulletin.vehicles),
            "lat": None if location is None else location.y,
            "lon": None if location is None else location.x,
            "location_label": bulletin.location_label,
            "contact_name": bulletin.contact_name,
            "contact_phone": bulletin.contact_phone,
            "contact_email": bulletin.contact_email,
            "expires_at": bulletin.expires_at.strftime("%Y-%m-%dT%H:%M"),
            "case_id": bulletin.case_id,
        }


class DisseminateForm(forms.Form):
    recipients = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    channel = forms.ChoiceField(choices=Channel.choices)
