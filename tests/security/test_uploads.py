"""Every upload is checked by content and has a size limit; JSON bodies have one too.

A renamed program or HTML page is refused with a 400 naming the field, whatever its name and
declared content type say; a file over its limit is refused before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from rest_framework.test import APIClient

from bulletins import services as bulletin_services
from cameras.forms import CameraAdminForm
from cameras.services import footage_request_create
from cases.models import Case
from feeds.models import ImportJob
from operations.forms import OperationForm
from tests.bulletins.conftest import content as bulletin_content
from tests.evidence.conftest import EXE_BYTES, pdf_bytes, png_bytes
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

FEED_FIXTURES = Path(__file__).resolve().parents[1] / "feeds" / "fixtures"
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"

Post = Callable[[str, bytes, str], Any]  # (file name, bytes, declared content type) -> response


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def posts(analyst: Any, admin_user: Any, cad_feed: Any) -> dict[str, Post]:
    """One poster per upload surface; each returns (status, text of the response)."""
    case = Case.objects.create(number="RTCC-2026-000077", title="Upload checks", lead=analyst, created_by=analyst)
    bulletin = bulletin_services.bulletin_create(actor=analyst, **bulletin_content())
    now = timezone.now()
    camera: Any = CameraFactory()
    footage, _ = footage_request_create(
        user=analyst,
        camera_id=camera.pk,
        window_start=now - timedelta(hours=3),
        window_end=now - timedelta(hours=2),
        reason="robbery",
    )
    mapping = (FEED_FIXTURES / "county_cad.yaml").read_bytes()

    def evidence(name: str, data: bytes, kind: str) -> Any:
        body = {"file": upload(name, data, kind), "title": "Clip", "kind": "video"}
        return api(analyst).post(f"/api/v1/cases/{case.pk}/evidence/", body, format="multipart")

    def photo(name: str, data: bytes, kind: str) -> Any:
        return api(analyst).post(f"/api/v1/bulletins/{bulletin.pk}/photos/", {"photo": upload(name, data, kind)})

    def footage_files(name: str, data: bytes, kind: str) -> Any:
        body = {"files": [upload(name, data, kind)], "note": "from the owner"}
        return api(analyst).post(f"/api/v1/footage-requests/{footage.pk}/fulfil/", body, format="multipart")

    def feed_import(name: str, data: bytes, kind: str) -> Any:
        body = {
            "feed": cad_feed[0].pk,
            "mapping": "__upload__",
            "mapping_file": upload("county_cad.yaml", mapping, "application/yaml"),
            "file": upload(name, data, kind),
        }
        return page(admin_user).post("/feeds/import/", body)

    def camera_import(name: str, data: bytes, kind: str) -> Any:
        body = {"mapping": "chicago_red_light.json", "file": upload(name, data, kind)}
        return page(admin_user).post("/cameras/import/", body)

    return {
        "evidence": evidence,
        "bulletin photo": photo,
        "footage": footage_files,
        "feed import": feed_import,
        "camera import": camera_import,
    }


def refusal(response: Any) -> tuple[int, str]:
    text = response.content.decode()
    return response.status_code, text


# Surface -> (field the message names, a file name that suits the surface).
SURFACES = {
    "evidence": ("file", "clip.mp4", "video/mp4"),
    "bulletin photo": ("photo", "suspect.jpg", "image/jpeg"),
    "footage": ("files", "export.mp4", "video/mp4"),
    "feed import": ("file", "calls.csv", "text/csv"),
    "camera import": ("file", "cameras.csv", "text/csv"),
}


@pytest.mark.parametrize("payload", ["program", "html"])
@pytest.mark.parametrize("surface", list(SURFACES))
def test_renamed_program_or_html_is_refused_naming_the_field(
    posts: dict[str, Post], surface: str, payload: str
) -> None:
    field, name, declared = SURFACES[surface]
    data = EXE_BYTES if payload == "program" else HTML_BYTES
    status, text = refusal(posts[surface](name, data, declared))
    assert status == 400, text[:500]
    assert f"{field}:" in text
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("surface", list(SURFACES))
def test_a_genuine_file_is_accepted(posts: dict[str, Post], surface: str) -> None:
    """The counterpart of the refusals above: the same surfaces take a real file of their kind."""
    genuine = {
        "evidence": ("scene.png", png_bytes(), "image/png"),
        "bulletin photo": ("suspect.png", png_bytes(), "image/png"),
        "footage": ("export.dav", b"DHAV" + bytes(range(256)) * 8, "application/octet-stream"),
        "feed import": ("county.csv", (FEED_FIXTURES / "county_cad.csv").read_bytes(), "text/csv"),
        "camera import": (
            "red_light.csv",
            (FEED_FIXTURES.parent.parent / "cameras" / "fixtures" / "chicago_red_light_sample.csv").read_bytes(),
            "text/csv",
        ),
    }[surface]
    response = posts[surface](*genuine)
    assert response.status_code in (200, 201, 302), response.content[:500]


# --- the camera admin form: snapshot (JPEG/PNG) and MOU (PDF or a scan) ------------------------------


def admin_form_errors(**files: SimpleUploadedFile) -> dict[str, Any]:
    form = CameraAdminForm(data={}, files=MultiValueDict({name: [file] for name, file in files.items()}))
    form.is_valid()
    return {name: form.errors.get(name) for name in files}


@pytest.mark.parametrize(
    ("field", "name", "data", "accepted"),
    [
        ("snapshot", "still.jpg", EXE_BYTES, False),
        ("snapshot", "still.png", HTML_BYTES, False),
        ("snapshot", "still.pdf", pdf_bytes(), False),
        ("snapshot", "still.png", png_bytes(), True),
        ("mou_file", "mou.pdf", EXE_BYTES, False),
        ("mou_file", "mou.pdf", HTML_BYTES, False),
        ("mou_file", "mou.pdf", pdf_bytes(), True),
        ("mou_file", "mou-scan.png", png_bytes(), True),
    ],
)
def test_camera_admin_files_are_checked_by_content(field: str, name: str, data: bytes, accepted: bool) -> None:
    errors = admin_form_errors(**{field: upload(name, data, "application/octet-stream")})[field]
    if accepted:
        assert errors is None
    else:
        # Shown on that field of the admin form (for the snapshot, Pillow may refuse it first).
        assert errors, f"{field} accepted {name}"


# --- size limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "setting", "status"),
    [
        ("evidence", "RTCC_EVIDENCE_MAX_BYTES", 413),
        ("bulletin photo", "RTCC_BULLETIN_PHOTO_MAX_BYTES", 400),
        ("footage", "RTCC_FOOTAGE_MAX_BYTES", 400),
        ("feed import", "RTCC_IMPORT_MAX_BYTES", 400),
        ("camera import", "RTCC_IMPORT_MAX_BYTES", 400),
    ],
)
def test_each_upload_has_a_size_limit(
    posts: dict[str, Post], settings: Any, surface: str, setting: str, status: int
) -> None:
    field, name, declared = SURFACES[surface]
    data = {
        "evidence": png_bytes(),
        "bulletin photo": png_bytes(),
        "footage": b"DHAV" + bytes(2048),
        "feed import": (FEED_FIXTURES / "county_cad.csv").read_bytes(),
        "camera import": b"id,latitude,longitude\n" * 100,
    }[surface]
    setattr(settings, setting, len(data) - 1)
    status_code, text = refusal(posts[surface](name, data, declared))
    assert status_code == status, text[:500]
    assert f"{field}:" in text
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("field", ["snapshot", "mou_file"])
def test_camera_admin_files_have_a_size_limit(settings: Any, field: str) -> None:
    data = png_bytes()
    settings.RTCC_CAMERA_UPLOAD_MAX_BYTES = len(data) - 1
    errors = admin_form_errors(**{field: upload("x.png", data, "image/png")})[field]
    assert errors and "bytes allowed" in str(errors[0])


def test_operation_area_file_has_a_size_limit(monkeypatch: Any) -> None:
    monkeypatch.setattr("operations.forms.MAX_UPLOAD_BYTES", 10)
    files: MultiValueDict[str, Any] = MultiValueDict({"area_file": [upload("area.geojson", b"{}" * 10, "x")]})
    form = OperationForm(data={"name": "Parade"}, files=files)
    assert not form.is_valid()
    assert "area_file: larger than" in str(form.errors)


def test_json_body_over_the_limit_is_413(feed_client: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"records": [' + ",".join(['{"external_id": "X"}'] * 100) + "]}"
    response = feed_client.post("/api/v1/ingest/cad/", body, content_type="application/json")
    assert response.status_code == 413
    assert "limit of 1000 bytes" in response.json()["error"]
