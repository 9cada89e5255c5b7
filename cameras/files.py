"""Content checks for files people upload (footage, snapshots, MOUs): the bytes decide, not the name."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

# Leading bytes → MIME type, for the formats camera owners deliver.
SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1a\x45\xdf\xa3", "video/x-matroska"),
    (0, b"RIFF", "video/x-msvideo"),
    (0, b"\x00\x00\x01\xba", "video/mpeg"),
    (0, b"GIF8", "image/gif"),
]


def sniff_content_type(upload: UploadedFile) -> str:
    """The MIME type the content shows; 'application/octet-stream' when unknown (then never served inline)."""
    head = upload.read(16)
    upload.seek(0)
    for offset, magic, mime in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return mime
    return "application/octet-stream"
