"""What an uploaded file really is: size, SHA-256 and sniffed MIME type, from one streaming pass."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import filetype
from django.core.files.base import File

from rtcc.errors import InvalidInput

SNIFF_BYTES = 8192
TEXT = "text/plain"
# Sniffed type -> extensions a file of that type may carry.
ALLOWED: dict[str, frozenset[str]] = {
    "video/mp4": frozenset({".mp4", ".m4v"}),
    "video/quicktime": frozenset({".mov", ".qt"}),
    "video/x-msvideo": frozenset({".avi"}),
    "video/webm": frozenset({".webm"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/png": frozenset({".png"}),
    "image/gif": frozenset({".gif"}),
    "image/webp": frozenset({".webp"}),
    "application/pdf": frozenset({".pdf"}),
    "application/zip": frozenset({".zip"}),
    "text/csv": frozenset({".csv"}),
    "application/json": frozenset({".json"}),
}
TEXT_BY_EXTENSION = {".csv": "text/csv", ".json": "application/json"}
EXPECTED_BY_EXTENSION = {ext: mime for mime, exts in ALLOWED.items() for ext in exts}
# Declared types that say nothing, and common aliases browsers and operating systems send.
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "video/avi": "video/x-msvideo",
    "video/msvideo": "video/x-msvideo",
    "application/x-zip-compressed": "application/zip",
    "application/x-zip": "application/zip",
    "application/vnd.ms-excel": "text/csv",
    "application/csv": "text/csv",
    "text/json": "application/json",
}
# Served with their own type (still as an attachment); everything else is application/octet-stream.
SAFE_TO_LABEL = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm", "application/pdf"}
)


class TooLarge(InvalidInput):
    status_code = 413
    default_message = "file: too large"


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    mime_type: str


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def sha256_of(handle: IO[bytes] | File, chunk_size: int = 1024 * 1024) -> tuple[str, int]:
    """SHA-256 and size of an open file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(chunk_size):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def inspect_upload(uploaded: File, *, name: str, declared_type: str, max_bytes: int) -> FileFacts:
    """Hash, measure and sniff the upload chunk by chunk; refuse what is empty, too large or not what it claims."""
    label = PurePosixPath(name).name or "file"
    if uploaded.size is not None and uploaded.size > max_bytes:
        raise TooLarge(f"file: {label} is {human_size(uploaded.size)}, over the {human_size(max_bytes)} limit")
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_text = True
    head = b""
    size = 0
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"file: {label} is over the {human_size(max_bytes)} limit")
        digest.update(chunk)
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        if is_text:
            try:
                is_text = "\x00" not in decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
    if size == 0:
        raise InvalidInput(f"file: {label} is empty")
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    sniffed = sniff(head, is_text=is_text, name=name)
    check_claims(sniffed, name=name, declared_type=declared_type)
    return FileFacts(size=size, sha256=digest.hexdigest(), mime_type=sniffed)


def sniff(head: bytes, *, is_text: bool, name: str) -> str:
    """The MIME type the bytes show; UTF-8 text counts as CSV or JSON only by its extension."""
    guessed = filetype.guess_mime(head)
    if guessed:
        return str(guessed)
    if is_text:
        return TEXT_BY_EXTENSION.get(PurePosixPath(name).suffix.lower(), TEXT)
    return "application/octet-stream"


def check_claims(sniffed: str, *, name: str, declared_type: str) -> None:
    """The declared content type and the extension must both agree with the content."""
    extension = PurePosixPath(name).suffix.lower()
    declared = declared_type.split(";")[0].strip().lower()
    declared = ALIASES.get(declared, declared)
    if sniffed not in ALLOWED or extension not in ALLOWED[sniffed]:
        named = extension or "no extension"
        expected = EXPECTED_BY_EXTENSION.get(extension)
        claim = f"{expected} ({named})" if expected else f"{named} (not an accepted evidence type)"
        raise InvalidInput(f"file: content is {sniffed}, not {claim}")
    # A browser sends text/plain for CSV and JSON on some systems; that claim is true enough.
    plain_text_claim = declared == TEXT and sniffed in TEXT_BY_EXTENSION.values()
    if declared not in UNDECLARED and declared != sniffed and not plain_text_claim:
        raise InvalidInput(f"file: content is {sniffed}, not {declared}")


def served_type(mime_type: str) -> str:
    return mime_type if mime_type in SAFE_TO_LABEL else "application/octet-stream"
