from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.utils import DataError
from django.utils import timezone

from evidence import services
from evidence.choices import CustodyAction
from evidence.models import CustodyEntry, Evidence
from evidence.selectors import evidence_purgeable
from rtcc.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.evidence.conftest import EXE_BYTES, pdf_bytes, png_bytes, sha256, upload
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def test_upload_stores_the_file_with_the_sha256_of_its_bytes(analyst: Any, case: Any, media: Path) -> None:
    content = png_bytes()
    evidence = services.evidence_upload(
        user=analyst,
        case_id=case.pk,
        uploaded_file=upload("scene.png", content, "image/png"),
        title="Scene",
        kind="image",
    )
    assert evidence.sha256 == sha256(content)
    assert evidence.size == len(content) and evidence.mime_type == "image/png"
    stored = media / evidence.file.name
    assert stored.read_bytes() == content
    assert evidence.file.name.startswith(f"evidence/{case.number}/") and "scene" not in evidence.file.name
    assert evidence.original_name == "scene.png"
    [entry] = CustodyEntry.objects.filter(evidence=evidence)
    assert entry.action == CustodyAction.UPLOADED and entry.actor == analyst
    assert entry.detail["sha256"] == sha256(content)


def test_upload_links_the_source_camera_of_a_footage_request(analyst: Any, case: Any, media: Path) -> None:
    camera = CameraFactory()
    evidence = services.evidence_upload(
        user=analyst,
        case_id=case.pk,
        uploaded_file=upload("report.pdf", pdf_bytes(), "application/pdf"),
        title="Owner statement",
        kind="document",
        source="Corner store owner",
        source_camera_id=camera.pk,
    )
    assert evidence.source_camera == camera and evidence.mime_type == "application/pdf"
    with pytest.raises(InvalidInput, match="source_camera_id: no camera"):
        services.evidence_upload(
            user=analyst,
            case_id=case.pk,
            uploaded_file=upload("b.pdf", pdf_bytes()),
            title="x",
            source_camera_id=999999,
        )


def test_csv_and_json_are_recognised_as_utf8_text_by_extension(analyst: Any, case: Any, media: Path) -> None:
    csv = services.evidence_upload(
        user=analyst,
        case_id=case.pk,
        uploaded_file=upload("reads.csv", b"plate,at\nABC123,12:00\n", "text/csv"),
        title="Reads",
    )
    data = services.evidence_upload(
        user=analyst,
        case_id=case.pk,
        uploaded_file=upload("hits.json", b'{"hits": []}', "application/json"),
        title="Hits",
    )
    assert (csv.mime_type, data.mime_type) == ("text/csv", "application/json")


@pytest.mark.parametrize(
    ("name", "content", "declared", "message"),
    [
        ("photo.jpg", EXE_BYTES, "image/jpeg", "file: content is application/x-msdownload, not image/jpeg (.jpg)"),
        (
            "photo.jpg",
            EXE_BYTES,
            "application/octet-stream",
            "file: content is application/x-msdownload, not image/jpeg",
        ),
        ("scan.png", pdf_bytes(), "image/png", "file: content is application/pdf, not image/png (.png)"),
        ("scan.pdf", pdf_bytes(), "image/png", "file: content is application/pdf, not image/png"),
        ("notes.txt", b"just words", "text/plain", "file: content is text/plain, not .txt"),
        ("empty.png", b"", "image/png", "file: empty.png is empty"),
    ],
)
def test_content_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    analyst: Any, case: Any, media: Path, name: str, content: bytes, declared: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        services.evidence_upload(
            user=analyst, case_id=case.pk, uploaded_file=upload(name, content, declared), title="x"
        )
    assert raised.value.message.startswith(message)
    assert raised.value.status_code == 400
    assert not Evidence.objects.exists() and not list(media.rglob("*.*"))


def test_upload_over_the_size_limit_names_the_file(analyst: Any, case: Any, media: Path, settings: Any) -> None:
    settings.RTCC_EVIDENCE_MAX_BYTES = 64
    with pytest.raises(InvalidInput) as raised:
        services.evidence_upload(
            user=analyst, case_id=case.pk, uploaded_file=upload("big.png", png_bytes(40, 40)), title="x"
        )
    assert raised.value.status_code == 413
    assert raised.value.message.startswith("file: big.png is ") and "64 bytes limit" in raised.value.message


def test_failed_database_write_leaves_no_stored_file(analyst: Any, case: Any, media: Path) -> None:
    with pytest.raises(DataError):
        services.evidence_upload(
            user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes(), "image/png"), title="t" * 300
        )
    assert not Evidence.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_file_altered_on_disk_is_reported_by_verify(analyst: Any, case: Any, media: Path) -> None:
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes(), "image/png"), title="t"
    )
    assert services.evidence_verify(evidence_id=evidence.pk).integrity_ok is True
    stored = media / evidence.file.name
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")
    checked = services.evidence_verify(evidence_id=evidence.pk, actor=analyst)
    assert checked.integrity_ok is False and checked.last_verified_at is not None
    entries = list(CustodyEntry.objects.filter(evidence=evidence, action=CustodyAction.INTEGRITY_CHECKED))
    assert [e.detail["ok"] for e in entries] == [True, False]
    assert entries[0].actor is None and entries[1].actor == analyst
    assert entries[1].detail["found_sha256"] != evidence.sha256
    stored.unlink()
    assert services.evidence_verify(evidence_id=evidence.pk).integrity_ok is False


def test_custody_records_upload_view_download_and_export(analyst: Any, case: Any, media: Path) -> None:
    content = png_bytes()
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", content, "image/png"), title="t"
    )
    services.evidence_view(user=analyst, evidence_id=evidence.pk)
    response = services.evidence_download(user=analyst, evidence_id=evidence.pk, reason="Copy for the DA")
    assert b"".join(response.streaming_content) == content  # type: ignore[arg-type]
    response.file_to_stream.close()  # not response.close(): that signals request_finished
    services.evidence_record_access(
        user=analyst,
        evidence_id=evidence.pk,
        action=CustodyAction.EXPORTED,
        reason="Court packet",
        detail={"packet": 1},
    )
    log = list(CustodyEntry.objects.filter(evidence=evidence).values_list("action", "reason"))
    assert log == [
        ("uploaded", ""),
        ("viewed", ""),
        ("downloaded", "Copy for the DA"),
        ("exported", "Court packet"),
    ]


def test_download_and_export_need_a_reason(analyst: Any, case: Any, media: Path) -> None:
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes(), "image/png"), title="t"
    )
    with pytest.raises(InvalidInput, match="reason:"):
        services.evidence_download(user=analyst, evidence_id=evidence.pk, reason="  ")
    with pytest.raises(InvalidInput, match="reason:"):
        services.evidence_record_access(
            user=analyst, evidence_id=evidence.pk, action=CustodyAction.TRANSFERRED, reason=""
        )
    assert list(CustodyEntry.objects.values_list("action", flat=True)) == ["uploaded"]


def test_legal_hold_keeps_evidence_out_of_the_purgeable_set(
    analyst: Any, supervisor: Any, case: Any, media: Path
) -> None:
    kept = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes(), "image/png"), title="held"
    )
    other = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("b.png", png_bytes(5, 5), "image/png"), title="not held"
    )
    later = timezone.now() + timezone.timedelta(days=1)
    assert set(evidence_purgeable(uploaded_before=later)) == {kept, other}
    with pytest.raises(PermissionDenied):
        services.evidence_hold(user=analyst, evidence_id=kept.pk, hold=True, reason="Trial pending")
    with pytest.raises(InvalidInput, match="reason:"):
        services.evidence_hold(user=supervisor, evidence_id=kept.pk, hold=True, reason="")
    held = services.evidence_hold(user=supervisor, evidence_id=kept.pk, hold=True, reason="Trial pending")
    assert held.legal_hold and held.hold_set_by == supervisor and held.hold_reason == "Trial pending"
    assert list(evidence_purgeable(uploaded_before=later)) == [other]
    with pytest.raises(Conflict):
        services.evidence_hold(user=supervisor, evidence_id=kept.pk, hold=True, reason="again")
    services.evidence_hold(user=supervisor, evidence_id=kept.pk, hold=False, reason="Case closed, appeal window over")
    assert set(evidence_purgeable(uploaded_before=later)) == {kept, other}
    assert list(CustodyEntry.objects.filter(evidence=kept).values_list("action", flat=True)) == [
        "uploaded",
        "hold_set",
        "hold_released",
    ]


def test_custody_log_refuses_update_and_delete_in_the_database(analyst: Any, case: Any, media: Path) -> None:
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes(), "image/png"), title="t"
    )
    entry = CustodyEntry.objects.get(evidence=evidence)
    for statement in (
        "UPDATE evidence_custodyentry SET reason = 'edited' WHERE id = %s",
        "DELETE FROM evidence_custodyentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert CustodyEntry.objects.get(pk=entry.pk).reason == ""


def test_roles_without_evidence_access_are_refused(
    analyst: Any, admin_user: Any, norole_user: Any, case: Any, media: Path
) -> None:
    for user in (admin_user, norole_user):
        with pytest.raises(PermissionDenied):
            services.evidence_upload(user=user, case_id=case.pk, uploaded_file=upload("a.png", png_bytes()), title="t")
    evidence = services.evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("a.png", png_bytes()), title="t"
    )
    for user in (admin_user, norole_user):
        with pytest.raises(NotFound):
            services.evidence_view(user=user, evidence_id=evidence.pk)
        with pytest.raises(NotFound):
            services.evidence_download(user=user, evidence_id=evidence.pk, reason="curious")
