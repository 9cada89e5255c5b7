"""Every CSV export defuses spreadsheet formulas: a text cell starting with =, +, - or @ gets a
leading apostrophe, so Excel or LibreOffice shows it instead of running it (CSV injection)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from lpr.models import Reader
from lpr.services.reads import reads_insert_and_match
from rtcc.csv_export import formula_safe
from tests.factories import CameraFactory
from tests.lpr.conftest import lpr_feed, reader  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PREFIXES = ["=", "+", "-", "@"]


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("prefix", [*PREFIXES, "\t", "\r"])
def test_formula_safe_prefixes_an_apostrophe(prefix: str) -> None:
    assert formula_safe(f"{prefix}SUM(A1)") == f"'{prefix}SUM(A1)"
    assert formula_safe("Corner store") == "Corner store"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_camera_export_defuses_formulas(admin_user: Any, prefix: str) -> None:
    CameraFactory(
        name=f'{prefix}HYPERLINK("http://evil.example/","x")',
        owner_name=f"{prefix}cmd|' /C calc'!A0",
        address=f"{prefix}1+1",
        tags=[f"{prefix}tag"],
    )
    client = Client()
    client.force_login(admin_user)
    (row,) = rows_of(client.get("/api/v1/cameras/export/?format=csv"))
    for column in ("name", "owner_name", "address", "tags"):
        assert row[column].startswith(f"'{prefix}"), (column, row[column])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_lpr_read_export_defuses_formulas(
    analyst: Any,
    lpr_feed: tuple[Any, str],  # noqa: F811
    reader: Reader,  # noqa: F811
    prefix: str,
) -> None:
    record = {
        "external_id": f"evil-{ord(prefix)}",
        "read_at": timezone.now(),
        "plate_raw": f"{prefix}EVL1",
        "plate": "EVL123",
        "state": "WI",
        "confidence": 91.0,
        "latitude": 43.0389,
        "longitude": -87.9065,
        "reader": reader.external_id,
        "vehicle_make": f"{prefix}HYPERLINK(1)",
        "vehicle_model": f"{prefix}2+3",
        "vehicle_color": f"{prefix}A1",
    }
    with transaction.atomic():
        reads_insert_and_match(feed=lpr_feed[0], reads=[record])
    client = APIClient()
    client.force_authenticate(analyst)
    query = {"purpose": "stolen_vehicle", "case_number": "2026-004411", "plate": "EVL123"}
    (row,) = rows_of(client.get("/api/v1/lpr/reads/export/", query))
    for column in ("plate_raw", "vehicle_make", "vehicle_model", "vehicle_color"):
        assert row[column].startswith(f"'{prefix}"), (column, row[column])
    assert row["longitude"] == "-87.9065"  # numbers stay numbers
