"""docs/security.md's capability table says exactly what accounts.roles.CAPABILITIES enforces."""

from __future__ import annotations

import re
from pathlib import Path

from accounts.roles import CAPABILITIES, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def documented() -> dict[str, frozenset[str]]:
    lines = DOC.read_text().splitlines()
    header = next(line for line in lines if line.startswith("| capability |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    table: dict[str, frozenset[str]] = {}
    for line in lines:
        match = re.match(r"\| `([a-z_.]+)` \|", line)
        if not match:
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[match.group(1)] = frozenset(
            role for role, cell in zip(columns, cells, strict=False) if role in Role.values and cell == "✓"
        )
    return table


def test_every_capability_is_documented_with_its_roles() -> None:
    table = documented()
    assert set(table) == set(CAPABILITIES)
    wrong = {cap: sorted(table[cap]) for cap in CAPABILITIES if table[cap] != CAPABILITIES[cap]}
    assert wrong == {}, "docs/security.md disagrees with accounts.roles.CAPABILITIES"
