"""HTML forms of the cameras app: the public self-registration form and the admin's camera form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from rest_framework import serializers

from cameras.choices import AccessTier, OwnerType
from cameras.models import Camera
from cameras.records import CommunityRegistration, split_stream_url
from rtcc.errors import InvalidInput
from rtcc.uploads import require_kind, require_max_size

# What each access tier means for the owner, in plain words (shown next to the choice).
TIER_EXPLANATIONS = {
    AccessTier.REGISTER_ONLY: (
        "We only note that your camera exists and how to reach you. If something happens nearby, "
        "someone may call to ask whether you have video. Nothing is shared automatically."
    ),
    AccessTier.FOOTAGE: (
        "When an incident happens near you, the crime center may ask you for a copy of a specific "
        "time window. You decide each time whether to share it."
    ),
    AccessTier.LIVE: (
        "Analysts may watch the live picture while an incident near your camera is going on. Staff "
        "contact you first to set up access and sign a written agreement (MOU)."
    ),
}


class TierSelect(forms.RadioSelect):
    """Radio buttons whose options carry the plain-words explanation of the tier."""

    option_template_name = "cameras/_tier_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        option["explanation"] = TIER_EXPLANATIONS.get(option["value"], "")
        return option


def _number(**attrs: Any) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", **attrs})


class RegistrationForm(forms.Form):
    """The public form. The fields mirror CommunityRegistration, which is checked last (one schema)."""

    owner_name = forms.CharField(max_length=200, label="Business or household name")
    owner_type = forms.ChoiceField(
        choices=[(OwnerType.BUSINESS, "Business"), (OwnerType.RESIDENTIAL, "Residence")],
        widget=forms.RadioSelect,
        label="This camera belongs to a",
    )
    contact_name = forms.CharField(
        max_length=200, label="Contact person", widget=forms.TextInput({"autocomplete": "name"})
    )
    contact_phone = forms.CharField(
        max_length=40, label="Phone", widget=forms.TextInput({"autocomplete": "tel", "type": "tel"})
    )
    contact_email = forms.EmailField(label="E-mail", widget=forms.EmailInput({"autocomplete": "email"}))
    contact_after_hours = forms.CharField(
        max_length=200,
        required=False,
        label="After-hours contact (optional)",
        help_text="A phone number or instructions for nights and weekends.",
    )
    address = forms.CharField(
        max_length=255,
        label="Street address of the camera",
        widget=forms.TextInput({"autocomplete": "street-address"}),
    )
    camera_name = forms.CharField(
        max_length=200,
        label="Camera name or short description",
        help_text="For example “Front door, looking at the street” or “Parking lot, north corner”.",
    )
    latitude = forms.FloatField(min_value=-90, max_value=90, widget=_number(placeholder="43.0389"))
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=_number(placeholder="-87.9065"))
    heading = forms.FloatField(
        min_value=0,
        max_value=360,
        initial=0,
        label="Looks towards (degrees)",
        help_text="0 = north, 90 = east, 180 = south, 270 = west.",
        widget=_number(min=0, max=359, step=1),
    )
    fov = forms.FloatField(
        initial=90,
        label="Field of view (degrees)",
        help_text="How wide the picture is: about 90 for most cameras, 360 for dome cameras that see all around.",
        widget=_number(min=1, max=360, step=1),
    )
    range_m = forms.FloatField(
        min_value=1,
        max_value=300,
        initial=30,
        label="Useful range (metres)",
        help_text="How far away a person is still recognisable.",
        widget=_number(min=1, max=300, step=1),
    )
    tier = forms.ChoiceField(choices=AccessTier.choices, widget=TierSelect, label="What may the crime center do?")
    retention_days = forms.IntegerField(
        min_value=0,
        max_value=3650,
        label="Days your recorder keeps video",
        help_text="Check the recorder's settings; often 7 to 30 days. 0 if it does not record.",
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    recording_hours = forms.CharField(
        max_length=100,
        required=False,
        initial="24/7",
        label="Recording hours",
        help_text="For example “24/7” or “Mon-Fri 07:00-19:00”.",
    )
    # Honeypot: hidden from people by CSS (not type=hidden, which bots know to skip).
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput({"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        record = CommunityRegistration(data=cleaned)
        if record.is_valid():
            self.record: dict[str, Any] = dict(record.validated_data)
        else:
            for field, messages in record.errors.items():
                self.add_error(field if field in self.fields else None, [str(m) for m in messages])
        return cleaned


FILE_FIELDS = ("mou_file", "snapshot")


def _checked_upload(upload: Any, field: str, allowed: tuple[str, ...]) -> Any:
    """A newly uploaded file must be small enough and of an allowed type by content; stored files pass."""
    if not isinstance(upload, UploadedFile):
        return upload
    try:
        require_max_size(upload.size, field=field, limit=settings.RTCC_CAMERA_UPLOAD_MAX_BYTES)
        require_kind(upload, field=field, allowed=allowed)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from exc
    return upload


class CameraAdminForm(forms.ModelForm):
    """The admin's camera form: stream credentials are write-only (the ciphertext is never shown)."""

    stream_username = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput({"autocomplete": "off"}),
        help_text="Write-only. Leave both blank to keep the stored credentials; filling either replaces both.",
    )
    stream_password = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only; never shown again.",
    )
    clear_credentials = forms.BooleanField(required=False, help_text="Remove the stored stream credentials.")

    class Meta:
        model = Camera
        fields = (
            "name",
            "owner_type",
            "owner_name",
            "address",
            "tags",
            "location",
            "heading",
            "fov",
            "range_m",
            "mount_height_m",
            "contact_name",
            "contact_phone",
            "contact_email",
            "contact_after_hours",
            "tier",
            "retention_days",
            "recording_hours",
            "stream_url",
            "mou_file",
            "mou_signed_on",
            "mou_expires_on",
            "snapshot",
        )

    def clean_snapshot(self) -> Any:
        # The snapshot API serves JPEG or PNG only: checked from the bytes (ImageField only asks Pillow).
        return _checked_upload(self.cleaned_data.get("snapshot"), "snapshot", ("image/jpeg", "image/png"))

    def clean_mou_file(self) -> Any:
        return _checked_upload(
            self.cleaned_data.get("mou_file"), "mou_file", ("application/pdf", "image/jpeg", "image/png")
        )

    def clean_tags(self) -> list[str]:
        # The same normal form as the API and imports (TagsField): lower case, sorted, no repeats.
        return sorted({tag.strip().lower() for tag in self.cleaned_data.get("tags") or [] if tag.strip()})

    def clean_heading(self) -> float | None:
        heading: float | None = self.cleaned_data.get("heading")
        return None if heading is None else heading % 360

    def clean_fov(self) -> float:
        fov: float = self.cleaned_data["fov"]
        if not 0 < fov <= 360:
            raise forms.ValidationError("Field of view must be more than 0 and at most 360 degrees.")
        return fov

    def clean_range_m(self) -> float:
        range_m: float = self.cleaned_data["range_m"]
        if not 0 < range_m <= 2000:
            raise forms.ValidationError("Range must be more than 0 and at most 2000 metres.")
        return range_m

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        url = cleaned.get("stream_url")
        if url:
            # Credentials typed into the URL are moved to the encrypted fields, never stored in clear.
            try:
                parts = split_stream_url(url)
            except serializers.ValidationError as exc:
                self.add_error("stream_url", [str(m) for m in exc.detail["stream_url"]])  # type: ignore[call-overload,index]
            else:
                cleaned["stream_url"] = parts["stream_url"]
                typed_separately = cleaned.get("stream_username") or cleaned.get("stream_password")
                if "stream_username" in parts and not typed_separately:
                    cleaned["stream_username"] = parts["stream_username"]
                    cleaned["stream_password"] = parts["stream_password"]
        if cleaned.get("clear_credentials") and (cleaned.get("stream_username") or cleaned.get("stream_password")):
            self.add_error("clear_credentials", "Either clear the credentials or give new ones, not both.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """What changed, in the shape the registry services take (latitude/longitude, credentials)."""
        data: dict[str, Any] = {}
        # The admin builds a subclass whose Meta lists every form field; only the model's count here.
        model_fields = CameraAdminForm.Meta.fields
        for name in model_fields if self.instance.pk is None else self.changed_data:
            if name not in model_fields:
                continue
            value = self.cleaned_data.get(name)
            if name == "location":
                if value is not None:
                    data.update(latitude=value.y, longitude=value.x)
            elif name in FILE_FIELDS:
                # False: the "clear" box was ticked; None: nothing uploaded on a new camera.
                if value is False:
                    data[name] = ""
                elif value:
                    data[name] = value
            else:
                data[name] = value
        username = self.cleaned_data.get("stream_username", "")
        password = self.cleaned_data.get("stream_password", "")
        if username or password:
            data.update(stream_username=username, stream_password=password)
        elif self.cleaned_data.get("clear_credentials"):
            data.update(stream_username="", stream_password="")
        return data
