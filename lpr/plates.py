"""Plate text: normalising what a reader or a person typed, and the OCR-confusable form."""

from __future__ import annotations

import re

MAX_RAW_LENGTH = 16
MAX_PLATE_LENGTH = 10
_STRIP = re.compile(r"[\s\-.·]")
_VALID = re.compile(r"^[A-Z0-9]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Characters OCR mixes up, mapped to one representative: 0/O/D/Q, 1/I/L, 8/B, 5/S, 2/Z, 6/G.
CONFUSABLE_FROM = "ODQILBSZG"
CONFUSABLE_TO = "000118526"
_CONFUSABLE = str.maketrans(CONFUSABLE_FROM, CONFUSABLE_TO)
# The same translation in SQL (expression index and matching use exactly this text).
CONFUSABLE_SQL = f"translate({{column}}, '{CONFUSABLE_FROM}', '{CONFUSABLE_TO}')"


class PlateError(ValueError):
    """The plate text cannot be a licence plate; the message says why."""


def normalise_plate(raw: str) -> str:
    """Upper-case, without spaces, dashes or dots; raises PlateError for empty, too long or odd text."""
    if not isinstance(raw, str):
        raise PlateError("must be text")
    if _CONTROL.search(raw):
        raise PlateError("contains control characters")
    if len(raw) > MAX_RAW_LENGTH:
        raise PlateError(f"longer than {MAX_RAW_LENGTH} characters")
    plate = _STRIP.sub("", raw).upper()
    if not plate:
        raise PlateError("is empty")
    if len(plate) > MAX_PLATE_LENGTH:
        raise PlateError(f"has more than {MAX_PLATE_LENGTH} letters and digits")
    if not _VALID.match(plate):
        raise PlateError("may only hold letters A-Z and digits (plus spaces, dashes or dots)")
    return plate


def confusable_form(plate: str) -> str:
    """The plate with OCR-confusable characters folded together (ABC1O8 and A8CI08 agree)."""
    return plate.translate(_CONFUSABLE)


def normalise_state(raw: str | None) -> str:
    """Two-letter state/province code, upper-case; '' when unknown."""
    state = (raw or "").strip().upper()
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise PlateError(f"state {raw!r} is not a two-letter code")
    return state
