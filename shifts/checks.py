"""System check: a bad RTCC_SHIFTS shows up in `manage.py check` (and at server start), not only
when the shift log is first used."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from shifts.hours import ShiftConfigError, configured_shifts


@register()
def check_shift_pattern(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        configured_shifts()
    except ShiftConfigError as exc:
        return [Error(str(exc), hint="Fix RTCC_SHIFTS in the settings.", id="shifts.E001")]
    return []
