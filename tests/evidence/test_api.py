from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.roles import Role
from evidence.models import CustodyEntry, Evidence
from tests.evidence.conftest import EXE_BYTES, pdf_bytes, png_bytes, sha256

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_file(client: APIClient, case_id: int, name: str, content: bytes, content_type: str, **fields: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type), "title": "Clip", **fields}
    return client.post(f"/api/v1/cases/{case_id}/evidence/", data, format="multipart")


@pytest.fixture
def evidence(analyst: Any, case: Any, media: Path) -> Evidence:
    response = post_file(client_for(analyst), case.pk, "scene.png", png_bytes(), "image/png", kind="image")
    assert response.status_code == 201, response.json()
    return Evidence.objects.get(pk=response.json()["id"])


def test_upload_answers_with_the_sha256_of_the_bytes_sent(analyst: Any, case: Any, media: Path) -> None:
    content = pdf_bytes()
    response = post_file(client_for(analyst), case.pk, "statement.pdf", content, "application/pdf", kind="document")
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == sha256(content) and body["size"] == len(content)
    assert body["mime_type"] == "application/pdf" and body["case_number"] == case.number
    listing = client_for(analyst).get(f"/api/v1/cases/{case.pk}/evidence/").json()
    assert [item["id"] for item in listing["results"]] == [body["id"]]


def test_exe_named_jpg_is_refused_with_a_message_naming_the_content(analyst: Any, case: Any, media: Path) -> None:
    response = post_file(client_for(analyst), case.pk, "suspect.jpg", EXE_BYTES, "image/jpeg")
    assert response.status_code == 400
    assert response.json()["error"] == "file: content is application/x-msdownload, not image/jpeg (.jpg)"
    assert not Evidence.objects.exists()


def test_pdf_declared_as_png_and_empty_file_are_refused(analyst: Any, case: Any, media: Path) -> None:
    client = client_for(analyst)
    response = post_file(client, case.pk, "scan.pdf", pdf_bytes(), "image/png")
    assert (response.status_code, response.json()["error"]) == (400, "file: content is application/pdf, not image/png")
    response = post_file(client, case.pk, "nothing.mp4", b"", "video/mp4")
    assert (response.status_code, response.json()["error"]) == (400, "file: nothing.mp4 is empty")
    response = client.post(f"/api/v1/cases/{case.pk}/evidence/", {"title": "no file"}, format="multipart")
    assert response.status_code == 400 and response.json()["error"].startswith("file:")


def test_oversized_upload_is_refused_with_413(analyst: Any, case: Any, media: Path, settings: Any) -> None:
    settings.RTCC_EVIDENCE_MAX_BYTES = 100
    response = post_file(client_for(analyst), case.pk, "long.png", png_bytes(50, 50), "image/png")
    assert response.status_code == 413
    assert response.json()["error"].startswith("file: long.png is ")


def test_detail_shows_the_custody_log_and_records_the_view(analyst: Any, evidence: Evidence) -> None:
    body = client_for(analyst).get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert [entry["action"] for entry in body["custody"]] == ["uploaded", "viewed"]
    assert body["custody"][1]["actor"] == analyst.username


def test_download_is_an_attachment_never_inline_and_needs_a_reason(analyst: Any, case: Any, media: Path) -> None:
    client = client_for(analyst)
    page = b"<!doctype html><html><script>alert(1)</script></html>"
    created = post_file(
        client, case.pk, "page.json", b'{"html": "' + page.replace(b'"', b"'") + b'"}', "application/json"
    )
    assert created.status_code == 201
    evidence_id = created.json()["id"]
    refused = client.get(f"/api/v1/evidence/{evidence_id}/download/")
    assert refused.status_code == 400 and refused.json()["error"].startswith("reason:")
    response = client.get(f"/api/v1/evidence/{evidence_id}/download/", {"reason": "Copy for the DA"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "page.json" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    b"".join(response.streaming_content)
    entry = CustodyEntry.objects.filter(evidence_id=evidence_id).last()
    assert entry is not None and (entry.action, entry.reason, entry.actor) == ("downloaded", "Copy for the DA", analyst)


def test_safe_image_keeps_its_type_but_is_still_an_attachment(analyst: Any, evidence: Evidence) -> None:
    response = client_for(analyst).get(f"/api/v1/evidence/{evidence.pk}/download/", {"reason": "review"})
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == (Path(evidence.file.path)).read_bytes()


def test_verify_reports_a_file_altered_on_disk(analyst: Any, evidence: Evidence) -> None:
    client = client_for(analyst)
    assert client.post(f"/api/v1/evidence/{evidence.pk}/verify/").json()["integrity_ok"] is True
    Path(evidence.file.path).write_bytes(b"\x89PNG tampered")
    body = client.post(f"/api/v1/evidence/{evidence.pk}/verify/").json()
    assert body["integrity_ok"] is False
    assert body["custody"][-1]["action"] == "integrity_checked" and body["custody"][-1]["detail"]["ok"] is False


def test_only_supervisors_set_a_hold_and_a_reason_is_required(
    analyst: Any, supervisor: Any, evidence: Evidence
) -> None:
    url = f"/api/v1/evidence/{evidence.pk}/hold/"
    assert client_for(analyst).post(url, {"hold": True, "reason": "x"}, format="json").status_code == 403
    sup = client_for(supervisor)
    missing = sup.post(url, {"hold": True}, format="json")
    assert missing.status_code == 400 and missing.json()["error"].startswith("reason:")
    body = sup.post(url, {"hold": True, "reason": "Trial 2027"}, format="json").json()
    assert body["legal_hold"] is True and body["hold_set_by"] == supervisor.username
    assert sup.post(url, {"hold": True, "reason": "again"}, format="json").status_code == 409


@pytest.mark.parametrize("role", [Role.WALL, Role.ADMIN, None])
def test_roles_without_evidence_access_are_refused(make_user: Any, role: Role | None, evidence: Evidence) -> None:
    client = client_for(make_user(f"no-evidence-{role}", role))
    case_id = evidence.case_id
    assert client.get(f"/api/v1/cases/{case_id}/evidence/").status_code == 403
    assert client.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 403
    assert client.get(f"/api/v1/evidence/{evidence.pk}/download/", {"reason": "x"}).status_code == 403
    assert client.post(f"/api/v1/evidence/{evidence.pk}/verify/").status_code == 403
    assert post_file(client, case_id, "a.png", png_bytes(), "image/png").status_code == 403
    assert list(CustodyEntry.objects.values_list("action", flat=True)) == ["uploaded"]


def test_unknown_case_and_evidence_are_not_found(analyst: Any, media: Path) -> None:
    client = client_for(analyst)
    assert client.get("/api/v1/cases/999999/evidence/").status_code == 404
    assert post_file(client, 999999, "a.png", png_bytes(), "image/png").status_code == 404
    assert client.get("/api/v1/evidence/999999/").status_code == 404


def test_upload_larger_than_the_memory_threshold_is_spooled_and_hashed_right(
    analyst: Any, case: Any, media: Path
) -> None:
    content = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * (6 * 4096)  # ~6 MiB
    response = post_file(client_for(analyst), case.pk, "clip.mp4", content, "video/mp4", kind="video")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["sha256"], body["size"], body["mime_type"]) == (sha256(content), len(content), "video/mp4")
    assert Path(Evidence.objects.get().file.path).read_bytes() == content
