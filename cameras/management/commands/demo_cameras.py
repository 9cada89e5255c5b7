from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cameras import services
from cameras.choices import CameraSource, CameraStatus
from cameras.models import Camera
from rtcc.geo import LocationStatus, locate

SEED = 20180501
# (owner type, tier, owner name, name pattern) — a plausible mix for a mid-size city.
PROFILES = [
    ("city", "live", "City of Milwaukee", "City camera"),
    ("traffic", "live", "Milwaukee DPW Traffic", "Traffic camera"),
    ("business", "footage", "Corner store partner", "Storefront camera"),
    ("business", "live", "Gas station partner", "Forecourt camera"),
    ("transit", "footage", "MCTS", "Bus shelter camera"),
    ("school", "footage", "MPS", "School entrance camera"),
    ("residential", "register", "Resident", "Doorbell camera"),
]
PENDING = [
    ("Sunrise Bakery", "business", "Back alley camera", 43.0412, -87.9226, 200),
    ("J. Alvarez", "residential", "Porch camera facing the street", 43.0585, -87.9661, 90),
    ("Lakeside Laundromat", "business", "Front door camera", 43.0178, -87.9347, 0),
]


class Command(BaseCommand):
    help = (
        "Demo cameras at the busiest call locations of the demo CSV (seeded, idempotent), a few pending "
        "community registrations, and MOUs that expire soon. Demo data only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv", type=Path, default=Path(settings.BASE_DIR) / "demo" / "milwaukee_calls_2018-05-01_03.csv"
        )
        parser.add_argument("--count", type=int, default=45)
        parser.add_argument(
            "--stream-base",
            default="http://127.0.0.1:8000/healthz",
            help="Stand-in stream URL for live cameras (the demo points them at its own web server).",
        )
        parser.add_argument("--admin", default="admin", help="Username recorded as the registering admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_cameras writes demo data: refused with DJANGO_DEBUG=0")
        admin = get_user_model().objects.filter(username=options["admin"]).first()
        if admin is None:
            raise CommandError(f"--admin: no user {options['admin']!r} (run demo_setup first)")
        rng = random.Random(SEED)
        today = timezone.localdate()
        created = updated = 0
        for index, (lat, lon, address) in enumerate(self.busiest(options["csv"], options["count"])):
            owner_type, tier, owner, label = PROFILES[index % len(PROFILES)]
            record: dict[str, Any] = {
                "external_id": f"demo-{index:03d}",
                "name": f"{label} — {address.title()}",
                "owner_name": owner,
                "owner_type": owner_type,
                "contact_name": "Demo Contact",
                "contact_phone": f"414-555-{index:04d}",
                "address": address,
                # Offset a little from the call address, looking back at it.
                "latitude": lat + rng.uniform(-0.0003, 0.0003),
                "longitude": lon + rng.uniform(-0.0004, 0.0004),
                "heading": float(rng.randrange(0, 360, 15)),
                "fov": 360.0 if index % 11 == 0 else float(rng.choice([60, 75, 90, 110])),
                "range_m": float(rng.choice([40, 60, 80, 120])),
                "tier": tier,
                "retention_days": rng.choice([7, 14, 30, 30, 90]),
                "recording_hours": "24/7",
                "tags": ["demo"],
            }
            if tier == "live":
                # Two live cameras point at a closed port so the map also shows what "offline" looks like.
                record["stream_url"] = "rtsp://127.0.0.1:9/demo" if index % 9 == 3 else options["stream_base"]
            if owner_type in ("business", "transit", "school"):
                record["mou_signed_on"] = today - dt.timedelta(days=700)
                record["mou_expires_on"] = today + dt.timedelta(days=rng.choice([400, 400, 20, -3]))
            existing = Camera.objects.filter(source=CameraSource.ADMIN, external_id=record["external_id"]).first()
            if existing is None:
                services.camera_create(user=admin, data=record)
                created += 1
            else:
                services.camera_update(user=admin, camera_id=existing.pk, data=record)
                updated += 1
        pending = 0
        for owner, owner_type, name, lat, lon, heading in PENDING:
            if Camera.objects.filter(name=name, status=CameraStatus.PENDING).exists():
                continue
            services.camera_submit_community(
                data={
                    "owner_name": owner,
                    "owner_type": owner_type,
                    "contact_name": owner,
                    "contact_phone": "414-555-0199",
                    "contact_email": "owner@example.org",
                    "address": "Milwaukee, WI",
                    "camera_name": name,
                    "latitude": lat,
                    "longitude": lon,
                    "heading": heading,
                    "fov": 90,
                    "range_m": 30,
                    "tier": "footage",
                    "retention_days": 14,
                    "recording_hours": "24/7",
                },
                client_ip=None,
            )
            pending += 1
        self.stdout.write(f"demo cameras: {created} created, {updated} updated, {pending} pending registrations added")

    @staticmethod
    def busiest(path: Path, count: int) -> list[tuple[float, float, str]]:
        """The `count` call addresses with the most calls, with their coordinates (inside the service area)."""
        seen: Counter[str] = Counter()
        where: dict[str, tuple[float, float]] = {}
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                try:
                    lat, lon = float(row["latitude"]), float(row["longitude"])
                except ValueError:
                    continue
                if locate(lat, lon)[1] != LocationStatus.OK:
                    continue
                address = row["location"].removesuffix(",MKE").strip()
                seen[address] += 1
                where.setdefault(address, (lat, lon))
        return [(*where[address], address) for address, _ in seen.most_common(count)]
