"""Image checks for bulletin photos: the content must be an image Pillow can read, in a common format."""

from __future__ import annotations

from typing import IO

from PIL import Image, UnidentifiedImageError

from rtcc.errors import InvalidInput

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
MAX_PIXELS = 40_000_000


def inspect_image(stream: IO[bytes]) -> tuple[str, int, int]:
    """(format, width, height) of an image; InvalidInput("photo: …") for anything else."""
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput("photo: the file is not an image (JPEG, PNG, GIF or WebP)") from exc
    finally:
        stream.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise InvalidInput(f"photo: {image_format or 'unknown'} images are not accepted (JPEG, PNG, GIF or WebP)")
    if width * height > MAX_PIXELS:
        raise InvalidInput(f"photo: {width}x{height} pixels is too large")
    return image_format, width, height
