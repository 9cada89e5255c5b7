from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from evidence import services
from evidence.models import CustodyEntry, Evidence
from tests.evidence.conftest import EXE_BYTES, png_bytes, sha256, upload

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_page_stores_the_file_and_shows_its_detail_page(analyst: Any, case: Any, media: Path) -> None:
    client = signed_in(analyst)
    assert client.get(f"/cases/{case.pk}/evidence/new/").status_code == 200
    content = png_bytes()
    response = client.post(
        f"/cases/{case.pk}/evidence/new/",
        {"file": SimpleUploadedFile("door.png", content, "image/png"), "title": "Door cam still", "kind": "image"},
    )
    evidence = Evidence.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/{evidence.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert sha256(content) in text and "Door cam still" in text and "Chain of custody" in text
    assert list(CustodyEntry.objects.values_list("action", flat=True)) == ["uploaded", "viewed"]


def test_upload_page_shows_the_mime_mismatch_message(analyst: Any, case: Any, media: Path) -> None:
    response = signed_in(analyst).post(
        f"/cases/{case.pk}/evidence/new/",
        {"file": SimpleUploadedFile("cat.jpg", EXE_BYTES, "image/jpeg"), "title": "x", "kind": "image"},
    )
    assert response.status_code == 400
    assert "file: content is application/x-msdownload, not image/jpeg (.jpg)" in response.content.decode()


def test_detail_page_verifies_and_supervisor_sets_a_hold(analyst: Any, supervisor: Any, case: Any, media: Path) -> None:
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes()), title="t"
    )
    analyst_page = signed_in(analyst).get(f"/evidence/{evidence.pk}/").content.decode()
    assert 'id="hold-form"' not in analyst_page and 'id="download-form"' in analyst_page
    assert signed_in(analyst).post(f"/evidence/{evidence.pk}/", {"action": "hold", "reason": "x"}).status_code == 403
    sup = signed_in(supervisor)
    assert sup.post(f"/evidence/{evidence.pk}/", {"action": "verify"}).status_code == 302
    assert sup.post(f"/evidence/{evidence.pk}/", {"action": "hold", "reason": ""}).status_code == 400
    assert sup.post(f"/evidence/{evidence.pk}/", {"action": "hold", "reason": "Trial"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.integrity_ok is True and evidence.legal_hold is True
    assert "Release legal hold" in sup.get(f"/evidence/{evidence.pk}/").content.decode()


@pytest.mark.parametrize("role", [Role.WALL, Role.ADMIN, None])
def test_pages_refuse_roles_without_evidence_access(
    make_user: Any, role: Any, analyst: Any, case: Any, media: Path
) -> None:
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes()), title="t"
    )
    client = signed_in(make_user(f"page-{role}", role))
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 403
    assert client.get(f"/cases/{case.pk}/evidence/new/").status_code == 403
