"""The court packet ZIP: packet.pdf, evidence/<sha256 prefix>_<name>, MANIFEST.sha256 (sha256sum format)."""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from cases.models import Case
from cases.packet.pdf import packet_pdf
from evidence.choices import CustodyAction
from evidence.models import Evidence
from evidence.selectors import evidence_list_for_case
from evidence.services import evidence_record_access
from rtcc.errors import Conflict

MANIFEST = "MANIFEST.sha256"
PDF_NAME = "packet.pdf"
CHUNK = 1024 * 1024


@dataclass
class PacketResult:
    case_number: str
    files: dict[str, str] = field(default_factory=dict)  # path in the ZIP -> sha256
    evidence_bytes: int = 0
    pdf_bytes: int = 0
    seconds: float = 0.0


def safe_name(name: str) -> str:
    """A file name safe in any ZIP tool: no directories, only [A-Za-z0-9._-], never empty or hidden."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "file"
    return cleaned[:100]


def evidence_path(item: Evidence) -> str:
    return f"evidence/{item.sha256[:12]}_{safe_name(item.original_name)}"


def _copy_evidence(archive: zipfile.ZipFile, item: Evidence, path: str) -> str:
    """Stream the stored file into the ZIP, hashing on the way; refuse a file that no longer matches."""
    digest = hashlib.sha256()
    storage = item.file.storage
    if not storage.exists(item.file.name or ""):
        raise Conflict(f"evidence: file of evidence {item.pk} is missing from storage; run an integrity check")
    # Stored, not deflated: evidence is mostly video and images, already compressed.
    member = zipfile.ZipInfo(path, date_time=time.localtime()[:6])
    member.compress_type = zipfile.ZIP_STORED
    with storage.open(item.file.name or "", "rb") as source, archive.open(member, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def build_packet(*, case: Case, user: AbstractBaseUser, out: IO[bytes]) -> PacketResult:
    """Write the packet ZIP to `out`. Each evidence file exported is a custody entry ("court packet <number>").

    A stored file whose hash differs from the one taken at upload stops the export (409): a packet must not
    carry altered evidence under the original hash.
    """
    started = time.monotonic()
    items = list(evidence_list_for_case(user=user, case_id=case.pk))
    result = PacketResult(case_number=case.number)
    reason = f"court packet {case.number}"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            path = evidence_path(item)
            if path in result.files:
                path = f"evidence/{item.sha256[:12]}_{item.pk}_{safe_name(item.original_name)}"
            found = _copy_evidence(archive, item, path)
            if found != item.sha256:
                raise Conflict(
                    f"evidence: evidence {item.pk} no longer matches its upload hash; run an integrity check"
                )
            result.files[path] = found
            result.evidence_bytes += item.size
            evidence_record_access(
                user=user,
                evidence_id=item.pk,
                action=CustodyAction.EXPORTED,
                reason=reason,
                detail={"sha256": found, "path": path},
            )
        pdf = packet_pdf(case=case, user=user, evidence=items, generated_at=timezone.now())
        archive.writestr(PDF_NAME, pdf)
        result.files[PDF_NAME] = hashlib.sha256(pdf).hexdigest()
        result.pdf_bytes = len(pdf)
        lines = [f"{digest}  {path}\n" for path, digest in sorted(result.files.items())]
        archive.writestr(MANIFEST, "".join(lines))
    result.seconds = time.monotonic() - started
    return result
