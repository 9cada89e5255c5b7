"""Court packet: PDF renders, ZIP manifest verifies, tampering and missing files are reported, custody, roles."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from cases import services
from cases.choices import LinkKind, LogKind
from cases.models import Case
from cases.packet.bundle import MANIFEST, PDF_NAME, build_packet
from cases.packet.verify import verify_packet
from evidence.models import CustodyEntry, Evidence
from evidence.services import evidence_upload
from shots.models import ShotsFired
from tests.cases.conftest import client_for
from tests.conftest import OUTPUT_DIR
from tests.evidence.conftest import pdf_bytes, png_bytes, upload
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def packet_case(analyst: Any, settings: Any, tmp_path: Path) -> Case:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RTCC_AGENCY_NAME = "Milwaukee Test Police Department"
    case = services.case_open(actor=analyst, title="Armed robbery, N 27th St", summary="Gas station robbery.")
    services.case_update(
        actor=analyst,
        case_id=case.pk,
        changes={"outcome": "arrest", "contributions": ["footage_provided"], "external_numbers": ["RMS-26-1234"]},
    )
    incident: Any = IncidentFactory(address="2700 N 27TH ST")
    camera: Any = CameraFactory(name="27th & Center PTZ", location=Point(-87.9462, 43.0571, srid=4326))
    services.case_link_add(actor=analyst, case_id=case.pk, kind=LinkKind.INCIDENT, object_id=incident.pk)
    services.case_link_add(actor=analyst, case_id=case.pk, kind=LinkKind.CAMERA, object_id=camera.pk)
    shots = ShotsFired.objects.create(
        source="test-shots",
        external_id="S-1",
        detected_at=timezone.now(),
        detection_type="multiple",
        location=Point(-87.9551, 43.0533, srid=4326),
        rounds=3,
    )
    services.case_link_add(actor=analyst, case_id=case.pk, kind=LinkKind.SHOTS, object_id=shots.pk)
    start = timezone.now() - timedelta(hours=2)
    first = services.log_append(
        actor=analyst,
        case_id=case.pk,
        kind=LogKind.CAMERA_REVIEWED,
        text="Reviewed PTZ, suspect in red jacket.",
        action_at=start,
    )
    services.log_append(
        actor=analyst,
        case_id=case.pk,
        kind=LogKind.CORRECTION,
        corrects_id=first.pk,
        text="Jacket was maroon, not red.",
        action_at=start + timedelta(minutes=5),
    )
    services.log_append(actor=analyst, case_id=case.pk, kind=LogKind.INFO_RELAYED, text="Relayed to car 3141.")
    evidence_upload(user=analyst, case_id=case.pk, uploaded_file=upload("still 1.png", png_bytes()), title="Still")
    evidence_upload(user=analyst, case_id=case.pk, uploaded_file=upload("../report.pdf", pdf_bytes()), title="Report")
    return Case.objects.get(pk=case.pk)


def export(case: Case, user: Any, path: Path) -> Path:
    with path.open("wb") as handle:
        build_packet(case=case, user=user, out=handle)
    return path


def rewrite(source: Path, target: Path, *, replace: dict[str, bytes], drop: set[str] = frozenset()) -> Path:  # type: ignore[assignment]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
    return target


def test_packet_zip_verifies_and_records_custody(packet_case: Case, analyst: Any, tmp_path: Path) -> None:
    path = export(packet_case, analyst, tmp_path / "packet.zip")
    assert verify_packet(path) == []
    call_command("verify_packet", str(path))
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = archive.read(MANIFEST).decode()
    evidence = list(Evidence.objects.filter(case=packet_case))
    by_id = sorted(evidence, key=lambda e: e.pk)
    names_in_zip = ["still_1.png", "report.pdf"]
    expected = {PDF_NAME, MANIFEST} | {
        f"evidence/{e.sha256[:12]}_{n}" for e, n in zip(by_id, names_in_zip, strict=True)
    }
    assert names == expected
    assert len(manifest.splitlines()) == 3 and f"  {PDF_NAME}" in manifest
    for item in evidence:
        assert f"{item.sha256}  evidence/{item.sha256[:12]}_" in manifest
        exported = CustodyEntry.objects.filter(evidence=item, action="exported")
        assert exported.count() == 1
        assert exported.get().reason == f"court packet {packet_case.number}" and exported.get().actor == analyst


def test_tampered_and_missing_files_are_reported(packet_case: Case, analyst: Any, tmp_path: Path) -> None:
    path = export(packet_case, analyst, tmp_path / "packet.zip")
    with zipfile.ZipFile(path) as archive:
        png = next(n for n in archive.namelist() if n.endswith(".png"))
        pdf = next(n for n in archive.namelist() if n.endswith("report.pdf"))
    tampered = rewrite(path, tmp_path / "tampered.zip", replace={png: png_bytes(5, 3)})
    problems = verify_packet(tampered)
    assert len(problems) == 1 and problems[0].startswith(f"{png}: SHA-256")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_packet", str(tampered))
    assert exit_info.value.code == 1
    missing = rewrite(path, tmp_path / "missing.zip", replace={}, drop={pdf})
    assert verify_packet(missing) == [f"{pdf}: listed in the manifest but missing from the ZIP"]
    extra = tmp_path / "extra.zip"
    shutil.copy(path, extra)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("evidence/planted.txt", b"x")
    assert verify_packet(extra) == ["evidence/planted.txt: in the ZIP but not in the manifest"]
    assert verify_packet(tmp_path / "nope.zip")[0].endswith(
        f"not a readable ZIP ([Errno 2] No such file or directory: '{tmp_path / 'nope.zip'}')"
    )


def test_pdf_renders_with_case_number_on_every_page(packet_case: Case, analyst: Any, tmp_path: Path) -> None:
    path = export(packet_case, analyst, tmp_path / "packet.zip")
    with zipfile.ZipFile(path) as archive:
        pdf = tmp_path / "packet.pdf"
        pdf.write_bytes(archive.read(PDF_NAME))
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    texts = pages.stdout.split("\f")[:-1]
    assert len(texts) >= 4
    for number, page in enumerate(texts, start=1):
        assert packet_case.number in page and f"page {number} of {len(texts)}" in page
    everything = pages.stdout
    assert "Milwaukee Test Police Department" in everything and "RMS-26-1234" in everything
    timeline = next(i for i, page in enumerate(texts, start=1) if "Timeline of the case log" in page)
    assert "CORRECTED by" in texts[timeline - 1] and "corrects #" in texts[timeline - 1]
    for item in Evidence.objects.filter(case=packet_case):
        assert item.sha256[:32] in everything
    assert "court packet" in everything and "Map of linked locations" in everything
    assert "Shots fired" in everything and "43.05330, -87.95510" in everything
    out = OUTPUT_DIR / "court-packet"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, out / "packet.pdf")
    last = len(texts)
    for page_no in sorted({1, timeline, last}):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(page_no),
                "-l",
                str(page_no),
                str(pdf),
                str(out / f"p{page_no}"),
            ],
            check=True,
        )
    assert len(list(out.glob("p*.png"))) >= 2


def test_export_command_writes_a_verifiable_zip(packet_case: Case, analyst: Any, tmp_path: Path) -> None:
    out = tmp_path / "cmd.zip"
    stdout = BytesIO()
    call_command(
        "export_packet", packet_case.number, "--user", analyst.username, "--out", str(out), stdout=_Text(stdout)
    )
    assert out.exists() and verify_packet(out) == []
    assert b"3 files" in stdout.getvalue()


class _Text:
    def __init__(self, buffer: BytesIO) -> None:
        self.buffer = buffer

    def write(self, value: str) -> None:
        self.buffer.write(value.encode())

    def flush(self) -> None:
        pass


def test_api_packet_roles(
    packet_case: Case, analyst: Any, admin_user: Any, norole_user: Any, make_user: Any, tmp_path: Path
) -> None:
    url = f"/api/v1/cases/{packet_case.pk}/packet/"
    response = client_for(analyst).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{packet_case.number}-court-packet.zip"')
    zip_path = tmp_path / "api.zip"
    zip_path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert verify_packet(zip_path) == []
    assert AuditEvent.objects.filter(action="case.packet_exported", case_number=packet_case.number).count() == 1
    wall = make_user("wall1", Role.WALL)
    for user in (admin_user, wall, norole_user):
        assert client_for(user).get(url).status_code == 403
    assert client_for(analyst).get("/api/v1/cases/999999/packet/").status_code == 404
