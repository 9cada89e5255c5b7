"""Upload checks by content (the bytes decide, never the file name or the browser's content type).

Each check raises InvalidInput naming the form/API field, so the user sees which file was refused.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import IO

import filetype

from rtcc.errors import InvalidInput

HEAD_BYTES = 64 * 1024
# Content that must never be stored under another name: programs and documents a browser would run.
EXECUTABLE_MAGIC = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
MARKUP = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed)\b", re.IGNORECASE)


def _head(upload: IO[bytes], size: int = HEAD_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _strip_bom(head: bytes) -> bytes:
    return head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head


def refuse_active_content(upload: IO[bytes], *, field: str) -> None:
    """Refuse programs, scripts and HTML/SVG/XML markup, whatever the file is called."""
    head = _strip_bom(_head(upload))
    for magic, what in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise InvalidInput(f"{field}: the file is {what}, which is not accepted")
    if MARKUP.match(head):
        raise InvalidInput(f"{field}: the file is HTML or other markup, which is not accepted")


def require_text(upload: IO[bytes], *, field: str, json: bool = False) -> None:
    """UTF-8 text (CSV, JSON, GeoJSON), not binary and not markup; JSON must open with { or [."""
    refuse_active_content(upload, field=field)
    head = _strip_bom(_head(upload))
    if b"\x00" in head:
        raise InvalidInput(f"{field}: the file is binary, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{field}: the file is not UTF-8 text (byte {exc.start})") from exc
    if json and head.strip() and head.lstrip()[:1] not in (b"{", b"["):
        raise InvalidInput(f"{field}: the file is not JSON")


def require_kind(upload: IO[bytes], *, field: str, allowed: Iterable[str]) -> str:
    """The MIME type the content shows, which must be one of `allowed`."""
    allowed = tuple(allowed)
    mime = filetype.guess_mime(_head(upload, 8192)) or "unknown"
    if mime not in allowed:
        names = ", ".join(kind.split("/")[-1].upper() for kind in allowed)
        raise InvalidInput(f"{field}: the content is {mime}, not one of {names}")
    return str(mime)


def require_max_size(size: int | None, *, field: str, limit: int) -> None:
    if size is not None and size > limit:
        raise InvalidInput(f"{field}: {size} bytes is more than the {limit} bytes allowed")
