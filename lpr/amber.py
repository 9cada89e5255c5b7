"""AMBER alerts (CAP): find the plate candidates in the text, for an analyst to confirm.

The plate is never put on a hotlist without a person confirming it: CAP texts are free prose
("VEHICLE: 81' BUICK 2-DR, BLUE (4XXX000)"), and a wrong parse would make hits on innocent cars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lpr.plates import PlateError, normalise_plate

AMBER_WORDS = re.compile(r"\b(amber|child abduction)\b", re.IGNORECASE)
# One plate: a run of letters/digits, optionally a second run after a space or dash when that run
# holds a digit ("ABC 1234", "ABC-1234"; not "ABC-1234 SEEN").
_PLATE = r"((?-i:[A-Z0-9]{1,8}(?:[- ](?=[A-Z0-9]*\d)[A-Z0-9]{1,7})?))\b"
# A plate after a keyword (PLATE, LIC, LICENSE, TAG, optionally "#", "NO.", "NUMBER", ":"), or in
# parentheses right after a vehicle description.
_AFTER_KEYWORD = re.compile(
    r"\b(?:PLATE|LIC(?:ENSE)?|TAG)\b\s*(?:#|NO\.?|NUMBER)?\s*:?\s*(?:((?-i:[A-Z]{2}))\s+)?" + _PLATE,
    re.IGNORECASE,
)
_IN_PARENTHESES = re.compile(r"\((?:([A-Z]{2})\s+)?" + _PLATE + r"\)")


@dataclass(frozen=True)
class PlateCandidate:
    plate: str
    state: str
    context: str


def is_amber(infos: list[dict[str, Any]], headline: str = "", event: str = "") -> bool:
    texts = [headline, event] + [f"{i.get('event', '')} {i.get('headline', '')}" for i in infos]
    return any(AMBER_WORDS.search(text or "") for text in texts)


def plate_candidates(infos: list[dict[str, Any]]) -> list[PlateCandidate]:
    """Plates mentioned in the alert's texts (letters and digits mixed), first mention first, no repeats."""
    found: dict[str, PlateCandidate] = {}
    for info in infos:
        for field in ("description", "instruction", "headline"):
            text = str(info.get(field) or "")
            for pattern in (_AFTER_KEYWORD, _IN_PARENTHESES):
                for match in pattern.finditer(text):
                    state, raw = (match.group(1) or "").upper(), match.group(2)
                    try:
                        plate = normalise_plate(raw)
                    except PlateError:
                        continue
                    if not (re.search(r"\d", plate) and re.search(r"[A-Z]", plate)) or plate in found:
                        continue
                    start, end = max(0, match.start() - 60), min(len(text), match.end() + 20)
                    found[plate] = PlateCandidate(plate=plate, state=state, context=text[start:end].strip())
    return list(found.values())
