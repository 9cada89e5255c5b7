"""Case outcome metrics on a seeded fortnight; expected figures worked out by hand in the comments."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.metrics import cases as metrics
from analytics.tables import Drill
from tests.analytics.test_metrics_incidents import case, drills, fortnight, incident, link, values

pytestmark = pytest.mark.django_db

OUTCOME_KEYS = ("arrest", "recovery", "missing_person_found", "no_outcome", "unknown", "total")


@pytest.fixture
def world(analyst: Any) -> None:
    robbery_1 = incident("2026-10-05 09:00", "1", "ROBBERY")
    reclassified_1 = incident("2026-10-08 09:00", "1", "THEFT", final="ROBBERY")
    assault_1 = incident("2026-10-09 09:00", "1", "ASSAULT")
    theft_2 = incident("2026-10-07 09:00", "2", "THEFT")
    theft_2b = incident("2026-10-15 09:00", "2", "THEFT")
    assault_2 = incident("2026-10-12 09:00", "2", "ASSAULT")

    def seeded(created: str, contributions: tuple[str, ...], outcome: str, *linked: Any) -> Any:
        made = case(analyst, created=created, contributions=contributions, outcome=outcome)
        for one in linked:
            link(analyst, made, "incident", one.pk)
        return made

    seeded("2026-10-05 10:00", ("suspect_identified", "footage_provided"), "arrest", robbery_1)  # c1
    seeded("2026-10-07 10:00", ("footage_provided",), "arrest", theft_2)  # c2
    seeded("2026-10-08 10:00", ("vehicle_located",), "recovery", reclassified_1)  # c3
    seeded("2026-10-10 10:00", ("situational_awareness",), "no_outcome")  # c4: links nothing
    seeded("2026-10-12 10:00", ("victim_witness_located",), "missing_person_found", assault_2)  # c5
    seeded("2026-10-13 10:00", (), "arrest", robbery_1)  # c6: no contribution recorded
    seeded("2026-10-19 00:05", ("footage_provided",), "arrest", robbery_1)  # c7: after the range
    seeded("2026-10-04 23:55", ("footage_provided",), "arrest", robbery_1)  # c8: before the range
    seeded("2026-10-15 10:00", ("footage_provided", "other"), "unknown", assault_1, theft_2b)  # c9
    c10 = seeded("2026-10-16 10:00", ("suspect_identified",), "arrest")
    link(analyst, c10, "alert", robbery_1.pk)  # an alert link, not an incident: c10 is in no district


def test_outcomes(world: None) -> None:
    table = metrics.outcomes(fortnight())
    # In range with a contribution: c1 c2 c3 c4 c5 c9 c10 = 7 (c6 has none; c7, c8 outside).
    # Arrest c1 c2 c10 = 3 -> 42.9 %; recovery c3, found c5, no outcome c4, unknown c9: 1 each -> 14.3 %.
    assert values(table, "outcome", "cases", "share") == [
        ("Arrest", 3, 42.9),
        ("Recovery", 1, 14.3),
        ("Missing person found", 1, 14.3),
        ("No outcome", 1, 14.3),
        ("Unknown", 1, 14.3),
    ]
    assert drills(table)[0] == Drill("cases", {"outcome": "arrest"})
    assert table.key == "cases_outcomes"


def test_contribution_by_outcome(world: None) -> None:
    table = metrics.contribution_outcomes(fortnight())
    # suspect identified: c1 c10 (arrests); vehicle: c3 (recovery); footage: c1 c2 (arrest), c9 (unknown);
    # situational awareness: c4 (no outcome); victim/witness: c5 (found); other: c9 (unknown).
    assert values(table, "contribution", *OUTCOME_KEYS) == [
        ("Suspect identified", 2, 0, 0, 0, 0, 2),
        ("Vehicle located", 0, 1, 0, 0, 0, 1),
        ("Camera footage provided", 2, 0, 0, 0, 1, 3),
        ("Situational awareness to units", 0, 0, 0, 1, 0, 1),
        ("Victim or witness located", 0, 0, 1, 0, 0, 1),
        ("Other", 0, 0, 0, 0, 1, 1),
    ]
    assert drills(table)[2] == Drill("cases", {"contribution": "footage_provided"})
    assert table.chart is not None and table.chart.stacked


def test_district_and_call_type_go_through_linked_incidents(world: None) -> None:
    # District 1: c1 (robbery), c3 (reclassified), c9 (assault in 1) -> arrest, recovery, unknown.
    # c10's alert link and c4 without links do not place them in a district.
    district_1 = metrics.outcomes(fortnight(district="1"))
    assert values(district_1, "cases") == [(1,), (1,), (0,), (0,), (1,)]
    # ROBBERY (effective): c1 and c3 (THEFT reclassified as ROBBERY).
    robbery = metrics.outcomes(fortnight(call_types=("ROBBERY",)))
    assert values(robbery, "cases") == [(1,), (1,), (0,), (0,), (0,)]
    # THEFT: c2 and c9 (theft in 2); c3's incident is no longer a THEFT.
    theft = metrics.contribution_outcomes(fortnight(call_types=("THEFT",)))
    assert values(theft, "contribution", "arrest", "unknown", "total")[2] == ("Camera footage provided", 1, 1, 2)
    # District 1 and THEFT: no linked incident is both (c9 links an assault in 1 and a theft in 2).
    both = metrics.outcomes(fortnight(district="1", call_types=("THEFT",)))
    assert values(both, "cases", "share") == [(0, None)] * 5
