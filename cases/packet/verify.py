"""Check a court packet ZIP against its MANIFEST.sha256: every line matches, nothing missing, nothing extra."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from cases.packet.bundle import CHUNK, MANIFEST

LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def _hash_member(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_packet(zip_path: str | Path) -> list[str]:
    """The problems found, one sentence each; an empty list means the packet verifies."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as error:
        return [f"{zip_path}: not a readable ZIP ({error})"]
    problems: list[str] = []
    with archive:
        members = {info.filename for info in archive.infolist() if not info.is_dir()}
        if MANIFEST not in members:
            return [f"{MANIFEST} is missing"]
        listed: dict[str, str] = {}
        for number, raw in enumerate(archive.read(MANIFEST).decode("utf-8", "replace").splitlines(), start=1):
            if not raw.strip():
                continue
            match = LINE.match(raw)
            if match is None:
                problems.append(f"{MANIFEST} line {number}: not '<sha256>  <path>'")
                continue
            digest, path = match.groups()
            if path in listed:
                problems.append(f"{MANIFEST} line {number}: {path} listed twice")
            listed[path] = digest
        for path, digest in listed.items():
            if path not in members:
                problems.append(f"{path}: listed in the manifest but missing from the ZIP")
                continue
            try:
                found = _hash_member(archive, path)
            except (zipfile.BadZipFile, OSError) as error:
                problems.append(f"{path}: unreadable ({error})")
                continue
            if found != digest:
                problems.append(f"{path}: SHA-256 {found} does not match the manifest {digest}")
        for path in sorted(members - set(listed) - {MANIFEST}):
            problems.append(f"{path}: in the ZIP but not in the manifest")
    return problems
