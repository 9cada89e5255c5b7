"""Shared helpers of the bulletin tests."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.roles import Role
from bulletins import services


def png_bytes(width: int = 320, height: int = 240, colour: str = "#3366aa") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill="#eeeeee")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "suspect.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def content(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "bolo",
        "title": "Armed robbery suspect — red sedan",
        "summary": "Suspect robbed a gas station at gunpoint and fled north in a red sedan.",
        "subjects": [
            {"name": "Unknown male", "description": "20-25, 6'0\", black hoodie", "dob": "", "identifiers": ""}
        ],
        "vehicles": [{"plate": "ABC1234", "state": "WI", "make": "Honda", "model": "Civic", "colour": "red"}],
        "contact_name": "RTCC watch desk",
        "contact_phone": "414-555-0100",
        "contact_email": "rtcc@example.org",
        "expires_at": timezone.now() + timedelta(days=3),
    }
    body.update(overrides)
    return body


@pytest.fixture
def second_supervisor(make_user: Any) -> Any:
    return make_user("sup2", Role.SUPERVISOR)


@pytest.fixture
def draft(analyst: Any) -> Any:
    return services.bulletin_create(actor=analyst, **content())


@pytest.fixture
def approved(draft: Any, analyst: Any, supervisor: Any) -> Any:
    services.bulletin_submit(actor=analyst, bulletin_id=draft.pk)
    return services.bulletin_approve(actor=supervisor, bulletin_id=draft.pk)
