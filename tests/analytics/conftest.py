"""A small seeded world for the transparency page, full of plates, names and addresses that must
never appear on it; the expected figures are written out by hand in the tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from analytics.selectors import FIGURES_CACHE_KEY
from audit.services import audit_record
from feeds import services as feed_services
from lpr.models import Hit, Hotlist, HotlistEntry, PurgeLedger, Reader
from lpr.services.reads import reads_insert_and_match
from tests.factories import CameraFactory


@pytest.fixture(autouse=True)
def fresh_figures() -> Iterator[None]:
    cache.delete(FIGURES_CACHE_KEY)
    yield
    cache.delete(FIGURES_CACHE_KEY)


@dataclass
class Seeded:
    """What the seeded world holds that is personal or precise: none of it may reach the page."""

    secrets: list[str] = field(default_factory=list)


READ_PLATES = ["QXJ4821", "ZPL7730", "KRM5519", "WVT2046", "HBN9377"]
HIT_PLATES = ["DKF6613", "MRX1184", "TGL5092", "YPC3378", "NWA7741"]


@pytest.fixture
def seeded(make_user: Any) -> Seeded:
    now = timezone.now()
    world = Seeded()
    jane = make_user("jane.whitfield", Role.ANALYST)
    omar = make_user("omar.castellanos", Role.SUPERVISOR)
    jane.first_name, jane.last_name = "Jane", "Whitfield"
    jane.save(update_fields=["first_name", "last_name"])
    world.secrets += ["jane.whitfield", "omar.castellanos", "Whitfield", "Castellanos"]

    feed, _ = feed_services.feed_create(name="Quartermaine LPR", kind="lpr", slug="quartermaine-lpr")
    readers = [
        ("Pole Marigold Ave NB", "pole-marigold", "active"),
        ("Cruiser Unit Tamarack", "car-tamarack", "active"),
        ("Trailer Juniper Park", "trailer-juniper", "inactive"),
    ]
    for name, external_id, status in readers:
        Reader.objects.create(
            name=name, feed=feed, external_id=external_id, status=status, location=Point(-87.91, 43.04, srid=4326)
        )
        world.secrets += [name, external_id]
    world.secrets.append("Quartermaine LPR")

    records = [
        {
            "external_id": f"r-{index}",
            "read_at": now - dt.timedelta(hours=index + 1),
            "plate_raw": plate,
            "plate": plate,
            "state": "WI",
            "confidence": 91.0,
            "latitude": 43.0412,
            "longitude": -87.9188,
            "reader": "pole-marigold" if index % 2 else "car-tamarack",
        }
        for index, plate in enumerate(READ_PLATES)
    ]
    with transaction.atomic():
        reads_insert_and_match(feed=feed, reads=records)
    world.secrets += [*READ_PLATES, "43.0412", "-87.9188"]

    hotlist = Hotlist.objects.create(name="Larkspur County stolen autos", source="ncic", priority=1, owner=omar)
    world.secrets.append("Larkspur County stolen autos")
    # Hits: (plate, status, days ago). Within 30 days: 1 unverified, 2 actionable, 1 rejected; one older.
    hits = [
        (HIT_PLATES[0], "unverified", 1),
        (HIT_PLATES[1], "actionable", 2),
        (HIT_PLATES[2], "actionable", 29),
        (HIT_PLATES[3], "rejected", 3),
        (HIT_PLATES[4], "actionable", 31),
    ]
    for read_id, (plate, status, days_ago) in enumerate(hits, start=900_001):
        entry = HotlistEntry.objects.create(
            hotlist=hotlist,
            plate=plate,
            plate_confusable=plate,
            reason="Stolen from 4417 Wisteria Crescent",
            vehicle_description="Green Saab owned by Rosalind Pemberton",
            case_number=f"2026-77{read_id}",
        )
        hit = Hit.objects.create(
            read_id=read_id,
            read_at=now - dt.timedelta(days=days_ago),
            entry=entry,
            hotlist=hotlist,
            kind="exact",
            priority=1,
            plate=plate,
            status=status,
            reject_reason="misread" if status == "rejected" else "",
            verified_by=None if status == "unverified" else jane,
            location=Point(-87.9023, 43.0388, srid=4326),
            vehicle="Green Saab owned by Rosalind Pemberton",
        )
        Hit.objects.filter(pk=hit.pk).update(created_at=now - dt.timedelta(days=days_ago))
        world.secrets.append(f"2026-77{read_id}")
    world.secrets += [*HIT_PLATES, "4417 Wisteria", "Rosalind", "Pemberton", "43.0388", "-87.9023"]

    # Searches (audit trail): in the window 3 stolen_vehicle + 1 homicide searches, 1 stolen_vehicle
    # export, 1 search with a code no longer configured; outside it or not a plate search: ignored.
    for purpose in ["stolen_vehicle", "stolen_vehicle", "stolen_vehicle", "homicide", "retired_code"]:
        audit_record(actor=jane, action="lpr.search", object_ref="lpr_read", purpose=purpose, case_number="2026-55501")
    audit_record(
        actor=omar, action="lpr.export", object_ref="lpr_read", purpose="stolen_vehicle", case_number="2026-55502"
    )
    audit_record(actor=jane, action="ops.search", details={"q": "QXJ4821"})
    with time_machine.travel(now - dt.timedelta(days=31), tick=False):
        audit_record(
            actor=jane, action="lpr.search", object_ref="lpr_read", purpose="robbery", case_number="2026-55503"
        )
    world.secrets += ["2026-55501", "2026-55502", "2026-55503"]

    PurgeLedger.objects.create(policy="reads", window_end=now, rows_removed=1200, partitions_dropped=2)
    PurgeLedger.objects.create(policy="reads", window_end=now, rows_removed=345, partitions_dropped=0)
    PurgeLedger.objects.create(policy="hits", window_end=now, rows_removed=7)

    # Cameras: approved 2 footage + 1 live; a pending live one and a retired footage one do not count.
    cameras = [
        ("footage", "approved", "Bellweather Bakery rear door", "88 Osprey Lane", "Ignatius Fairbanks"),
        ("footage", "approved", "Corvina School gym", "1210 Heron Blvd", "Philippa Okonkwo"),
        ("live", "approved", "Transit hub Zephyr platform", "5 Quillfeather Sq", "Desmond Arkwright"),
        ("live", "pending", "Residence Thistledown porch", "72 Thistledown Way", "Mirela Vasquez-Holt"),
        ("footage", "retired", "Old Gatehouse cam", "9 Brambleton Rd", "Cornelius Ashdown"),
    ]
    for tier, status, name, address, contact in cameras:
        camera = CameraFactory(
            tier=tier,
            status=status,
            name=name,
            address=address,
            contact_name=contact,
            owner_name=f"{contact} LLC",
            contact_email=f"{contact.split()[0].lower()}@example.org",
        )
        world.secrets += [name, address, contact, camera.reference, f"{contact.split()[0].lower()}@example.org"]
    return world
