"""Bulletin PDF: renders, long content flows onto more pages, the handling marking is on every page.

Pages are read back with poppler's pdftotext and page 1 is rendered to PNG (pdftoppm) for a look.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from bulletins import services
from bulletins.pdf import WATERMARK, bulletin_pdf
from tests.bulletins.conftest import content, png_upload
from tests.conftest import OUTPUT_DIR

pytestmark = pytest.mark.django_db


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_text(path: Path, page: int) -> str:
    args = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def write(name: str, data: bytes) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / name
    path.write_bytes(data)
    return path


def long_bulletin(actor: Any) -> Any:
    summary = "\n\n".join(
        f"Paragraph {i}: the subject was seen near the lakefront on several evenings; units should note "
        "the vehicle description and report sightings to the RTCC watch desk without approaching." * 2
        for i in range(1, 13)
    )
    subjects = [
        {"name": f"Subject {i}", "dob": "approx. 30", "description": "5'10\", slim, beard", "identifiers": "scar"}
        for i in range(1, 5)
    ]
    vehicles = [
        {"plate": f"ABC12{i}", "state": "WI", "make": "Toyota", "model": "Camry", "colour": "grey"} for i in range(3)
    ]
    bulletin = services.bulletin_create(
        actor=actor,
        **content(
            kind="officer_safety",
            marking="FOR OFFICIAL USE ONLY",
            summary=summary,
            subjects=subjects,
            vehicles=vehicles,
            location=Point(-87.9065, 43.0389, srid=4326),
            location_label="N Water St & E Wells St",
        ),
    )
    services.photo_add(actor=actor, bulletin_id=bulletin.pk, upload=png_upload(), caption="CCTV still, 21:14")
    bulletin.refresh_from_db()
    return bulletin


def test_long_bulletin_flows_onto_more_pages_with_marking_on_every_page(analyst: Any) -> None:
    bulletin = long_bulletin(analyst)
    path = write("bulletin-long.pdf", bulletin_pdf(bulletin))
    pages = page_count(path)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = page_text(path, page)
        assert text.count("FOR OFFICIAL USE ONLY") >= 2, f"page {page}: marking missing top or bottom\n{text}"
        assert f"Page {page}" in text
        assert "RTCC Ops demo agency" in text
        assert WATERMARK in text  # not approved: in the footer (and diagonally) on every page
    first = page_text(path, 1)
    assert "OFFICER SAFETY" in first and "Armed robbery suspect" in first and "version 2" in first
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(OUTPUT_DIR / "bulletin-long-page")],
        check=True,
    )
    assert any(OUTPUT_DIR.glob("bulletin-long-page*.png"))


def test_approved_bulletin_has_no_watermark(approved: Any, settings: Any) -> None:
    settings.RTCC_AGENCY_NAME = "Milwaukee RTCC"
    path = write("bulletin-approved.pdf", bulletin_pdf(approved))
    text = page_text(path, 1)
    assert "DRAFT" not in text
    assert "LAW ENFORCEMENT SENSITIVE" in text and "Milwaukee RTCC" in text and "Approved by sup" in text
    assert "ABC1234" in text and "BOLO" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(OUTPUT_DIR / "bulletin-approved-page")],
        check=True,
    )


def test_user_text_is_not_markup(analyst: Any) -> None:
    bulletin = services.bulletin_create(actor=analyst, **content(title="<b>Tom & Jerry</b> <font size=40>x</font>"))
    path = write("bulletin-markup.pdf", bulletin_pdf(bulletin))
    assert "<b>Tom & Jerry</b>" in page_text(path, 1)
