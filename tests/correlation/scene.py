"""The acceptance scene of the correlation panel, shared by the API and browser tests.

The spot P is in Milwaukee; T0 is the shot. Offsets in metres are turned into degrees with the
local scale (good to well under a metre at these distances).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from feeds import services as feed_services
from incidents.models import Incident
from lpr.models import Reader
from lpr.services.reads import reads_insert_and_match
from monitoring.models import Ping, Subject
from shots.models import ShotsFired
from tests.factories import CameraFactory, IncidentFactory

P_LAT, P_LON = 43.0500, -87.9500
ADDRESS = "100 N MAIN ST"


def offset(north_m: float, east_m: float) -> tuple[float, float]:
    """(lat, lon) of a point `north_m` north and `east_m` east of P."""
    lat = P_LAT + north_m / 111_320.0
    lon = P_LON + east_m / (111_320.0 * math.cos(math.radians(P_LAT)))
    return lat, lon


def point(north_m: float, east_m: float) -> Point:
    lat, lon = offset(north_m, east_m)
    return Point(lon, lat, srid=4326)


@dataclass
class Scene:
    t0: datetime
    incident: Incident
    shot: ShotsFired
    ids: dict[str, Any] = field(default_factory=dict)


def build_scene(*, t0: datetime | None = None) -> Scene:
    t0 = (t0 or timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    minute = timedelta(minutes=1)
    incident = IncidentFactory(
        external_id="CAD-SCENE-1", call_type="SHOTS FIRED", received_at=t0, address=ADDRESS, location=point(0, 0)
    )
    shot = ShotsFired.objects.create(
        source="shotspotter",
        external_id="S-T0",
        detected_at=t0,
        location=point(0, 0),
        detection_type="multiple",
        rounds=4,
        address=ADDRESS,
        incident=incident,
    )
    ids: dict[str, Any] = {}
    # Shots: one more inside R and T, one inside R but 20 min before, one 1 km away.
    ids["shot_near"] = ShotsFired.objects.create(
        source="shotspotter",
        external_id="S-near",
        detected_at=t0 - 10 * minute,
        location=point(100, 0),
        detection_type="single",
    ).pk
    ShotsFired.objects.create(
        source="shotspotter",
        external_id="S-early",
        detected_at=t0 - 20 * minute,
        location=point(100, 0),
        detection_type="single",
    )
    ShotsFired.objects.create(
        source="shotspotter", external_id="S-far", detected_at=t0, location=point(1000, 0), detection_type="single"
    )
    # Cameras 50 m south of P: one looks north (sees P), one looks south (faces away); one 1 km off.
    ids["cam_sees"] = CameraFactory(name="Main St north", location=point(-50, 0), heading=0, fov=90, range_m=100).pk
    ids["cam_away"] = CameraFactory(name="Main St south", location=point(-50, 0), heading=180, fov=90, range_m=100).pk
    CameraFactory(name="Far away", location=point(0, 1000), heading=270, range_m=100)
    # Plate reads: 3 within 200 m and ±5 min, 1 in R outside the window, 1 in the window 600 m off.
    feed, _ = feed_services.feed_create(name="Scene LPR", kind="lpr", slug="scene-lpr")
    Reader.objects.create(name="Pole 5 NB", feed=feed, external_id="pole-5", direction="NB", location=point(100, 0))

    def read(plate: str, at: datetime, north_m: float, east_m: float) -> dict[str, Any]:
        lat, lon = offset(north_m, east_m)
        return {
            "external_id": f"scene-{plate}",
            "read_at": at,
            "plate_raw": plate,
            "plate": plate,
            "state": "WI",
            "confidence": 90.0,
            "latitude": lat,
            "longitude": lon,
            "reader": "pole-5",
        }

    with transaction.atomic():
        reads_insert_and_match(
            feed=feed,
            reads=[
                read("AAA1111", t0 - 3 * minute, 100, 0),
                read("BBB2222", t0 + 2 * minute, 0, 150),
                read("CCC3333", t0 + 5 * minute, -190, 0),
                read("DDD4444", t0 + 20 * minute, 50, 0),
                read("EEE5555", t0 + 1 * minute, 600, 0),
            ],
        )
    # GPS: one subject pinged 80 m off 4 min after; one 1 km off; one nearby but an hour before.
    subjects = {}
    for ref in ("GPS-IN", "GPS-FAR", "GPS-EARLY"):
        subjects[ref] = Subject.objects.create(
            source="gps", device_id=ref, reference=ref, supervision_type="probation", active_from=t0.date()
        )
    Ping.objects.create(subject=subjects["GPS-IN"], recorded_at=t0 + 4 * minute, location=point(80, 0))
    Ping.objects.create(subject=subjects["GPS-IN"], recorded_at=t0 + 9 * minute, location=point(150, 0))
    Ping.objects.create(subject=subjects["GPS-FAR"], recorded_at=t0, location=point(1000, 0))
    Ping.objects.create(subject=subjects["GPS-EARLY"], recorded_at=t0 - 60 * minute, location=point(10, 0))
    ids["gps_in"] = subjects["GPS-IN"].pk
    # Prior incidents: same address (other spelling, 300 m off the geocode) 30 days before; 10 m off
    # with another address 10 days before; exactly 90 days before; 91 days before; one after T0.
    day = timedelta(days=1)
    ids["prior_address"] = IncidentFactory(
        external_id="CAD-P30", received_at=t0 - 30 * day, address=" 100 n main   st", location=point(300, 0)
    ).pk
    ids["prior_near"] = IncidentFactory(
        external_id="CAD-P10", received_at=t0 - 10 * day, address="1 ALLEY", location=point(10, 0)
    ).pk
    ids["prior_90"] = IncidentFactory(
        external_id="CAD-P90", received_at=t0 - 90 * day, address=ADDRESS, location=point(0, 0)
    ).pk
    IncidentFactory(external_id="CAD-P91", received_at=t0 - 91 * day, address=ADDRESS, location=point(0, 0))
    IncidentFactory(external_id="CAD-LATER", received_at=t0 + day, address=ADDRESS, location=point(0, 0))
    IncidentFactory(external_id="CAD-ELSE", received_at=t0 - 5 * day, address="9 OTHER ST", location=point(500, 0))
    return Scene(t0=t0, incident=incident, shot=shot, ids=ids)
