"""QR code of an otpauth:// URL as inline SVG, drawn on the server (the secret never leaves for a QR service)."""

from __future__ import annotations

from io import BytesIO

import qrcode
from qrcode.image.svg import SvgPathImage


def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) for embedding in a page."""
    image = qrcode.make(data, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]
