from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cameras.models import Camera
from feeds import services as feed_services
from feeds.models import Feed
from lpr.models import Hotlist, Reader
from lpr.services.hotlists import entry_create

DEMO_FEED = "Demo LPR readers"
SEED = 20261124
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def demo_plate(rng: random.Random) -> str:
    """Wisconsin-style demo plates: three letters and four digits (invented)."""
    return "".join(rng.choice(LETTERS) for _ in range(3)) + f"{rng.randrange(10000):04d}"


def hotlist_plates() -> list[str]:
    """The plates the demo hotlist watches for; demo reads include them now and then."""
    rng = random.Random(SEED)
    return [demo_plate(rng) for _ in range(15)]


class Command(BaseCommand):
    help = "Demo LPR: a reader feed (key written to a file), readers at demo camera sites, a demo hotlist. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-file", type=Path, default=Path(settings.BASE_DIR) / ".demo" / "lpr-feed.key")
        parser.add_argument("--admin", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_lpr writes demo data: refused with DJANGO_DEBUG=0")
        admin = get_user_model().objects.filter(username=options["admin"]).first()
        if admin is None:
            raise CommandError(f"--admin: no user {options['admin']!r} (run demo_setup first)")
        key_file: Path = options["key_file"]
        feed = Feed.objects.filter(name=DEMO_FEED).first()
        key = ""
        if feed is None:
            feed, key = feed_services.feed_create(name=DEMO_FEED, kind="lpr", slug="demo-lpr")
        elif not key_file.exists():
            key = feed_services.feed_rotate_key(feed=feed)
        if key:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(key + "\n")
            os.chmod(key_file, 0o600)
        sites = list(
            Camera.objects.filter(external_id__startswith="demo-", status="approved").order_by("external_id")[:8]
        )
        for index, camera in enumerate(sites):
            Reader.objects.get_or_create(
                feed=feed,
                external_id=f"demo-reader-{index}",
                defaults={
                    "name": f"Reader {index + 1} · {camera.address.title()}",
                    "location": camera.location,
                    "camera": camera,
                    "direction": ["NB", "SB", "EB", "WB"][index % 4],
                },
            )
        hotlist, created = Hotlist.objects.get_or_create(
            name="Stolen vehicles (demo)", defaults={"source": "ncic", "priority": 1, "owner": admin}
        )
        if created:
            for number, plate in enumerate(hotlist_plates()):
                entry_create(
                    user=None,
                    hotlist_id=hotlist.pk,
                    data={
                        "plate": plate,
                        "state": "WI",
                        "reason": "Stolen vehicle (demo)",
                        "case_number": f"DEMO-{number:04d}",
                        "external_id": f"demo-{number}",
                    },
                )
        self.stdout.write(
            f"demo LPR: feed key in {key_file}, {Reader.objects.filter(feed=feed).count()} readers, "
            f"hotlist {hotlist.name!r} with {hotlist.entries.count()} plates"
        )
