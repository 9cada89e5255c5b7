from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lpr.management.commands.demo_lpr import SEED, demo_plate, hotlist_plates

VEHICLES = [
    ("Toyota", "Camry", "silver"),
    ("Honda", "Civic", "red"),
    ("Ford", "F-150", "white"),
    ("Chevrolet", "Malibu", "black"),
    ("Nissan", "Altima", "grey"),
    ("Jeep", "Cherokee", "blue"),
]


class Command(BaseCommand):
    help = "Post invented plate reads to POST /api/v1/ingest/lpr/ (demo); now and then a hotlisted plate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--key-file", type=Path, required=True)
        parser.add_argument("--readers", type=int, default=8, help="Readers demo_lpr created (demo-reader-0 …).")
        parser.add_argument("--per-post", type=int, default=5)
        parser.add_argument("--tick", type=float, default=1.0, help="Seconds between posts.")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many posts (0: forever).")
        parser.add_argument("--hit-every", type=int, default=40, help="About one read in N is a hotlisted plate.")
        parser.add_argument("--run-id", default="", help="Makes read ids unique per run.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["key_file"].read_text().strip() if options["key_file"].exists() else ""
        if not key:
            raise CommandError(f"--key-file: no key in {options['key_file']} (run demo_lpr)")
        rng = random.Random(SEED + sum(map(ord, options["run_id"])))
        listed = hotlist_plates()
        session = requests.Session()
        endpoint = options["url"].rstrip("/") + "/api/v1/ingest/lpr/"
        posts = sequence = 0
        while not options["count"] or posts < options["count"]:
            records = []
            for _ in range(options["per_post"]):
                sequence += 1
                make, model, color = rng.choice(VEHICLES)
                records.append(
                    {
                        "external_id": f"demo{options['run_id']}-{sequence}",
                        "read_at": datetime.now(UTC).isoformat(),
                        "plate": rng.choice(listed) if rng.randrange(options["hit_every"]) == 0 else demo_plate(rng),
                        "state": "WI",
                        "confidence": round(rng.uniform(72, 99), 1),
                        "reader": f"demo-reader-{rng.randrange(options['readers'])}",
                        "vehicle_make": make,
                        "vehicle_model": model,
                        "vehicle_color": color,
                    }
                )
            response = session.post(
                endpoint, json={"records": records}, headers={"Authorization": f"Api-Key {key}"}, timeout=10
            )
            if response.status_code != 202:
                raise CommandError(f"ingest refused the reads: {response.status_code} {response.text[:300]}")
            posts += 1
            time.sleep(options["tick"])
        self.stdout.write(f"posted {posts} batches, {sequence} reads")
