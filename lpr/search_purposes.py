"""Purpose codes of LPR searches (and of correlation views of plate and GPS data): configurable,
validated, and written to the audit trail's 32-character `purpose` column."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Purpose codes go into the audit trail's 32-character `purpose` column.
DEFAULT_PURPOSES: tuple[tuple[str, str], ...] = (
    ("stolen_vehicle", "Stolen vehicle"),
    ("amber_alert", "AMBER alert / child abduction"),
    ("missing_person", "Missing or endangered person"),
    ("homicide", "Homicide investigation"),
    ("robbery", "Robbery"),
    ("shooting", "Shooting / shots fired"),
    ("hit_and_run", "Hit and run"),
    ("wanted_person", "Wanted person (warrant)"),
    ("other_felony", "Other felony investigation"),
)
_PURPOSE_CODE = re.compile(r"^[a-z0-9_]{1,32}$")


def search_purposes() -> list[tuple[str, str]]:
    """(code, label) of the configured purposes: RTCC_LPR_SEARCH_PURPOSES, else DEFAULT_PURPOSES.

    The setting holds codes, "code=Label" strings or (code, label) pairs.
    """
    configured = getattr(settings, "RTCC_LPR_SEARCH_PURPOSES", None) or DEFAULT_PURPOSES
    purposes = []
    for item in configured:
        if isinstance(item, str):
            code, _, label = item.partition("=")
        else:
            code, label = item
        code, label = code.strip(), label.strip() or code.strip().replace("_", " ").capitalize()
        if not _PURPOSE_CODE.match(code):
            raise ImproperlyConfigured(f"RTCC_LPR_SEARCH_PURPOSES: {code!r} is not a code of a-z, 0-9 and _ (≤ 32)")
        purposes.append((code, label))
    return purposes


def purpose_label(code: str) -> str:
    return dict(search_purposes()).get(code, code)
