from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accounts.roles import Role
from accounts.services import user_ensure_with_role
from feeds import services as feed_services
from feeds.models import Feed
from incidents.services import call_type_upsert, incidents_close_open

DEMO_USERS = {
    Role.ANALYST: "rtcc-analyst-demo",
    Role.SUPERVISOR: "rtcc-supervisor-demo",
    Role.ADMIN: "rtcc-admin-demo",
    Role.WALL: "rtcc-wall-demo",
    Role.AUDITOR: "rtcc-auditor-demo",
}
DEMO_FEED = "Milwaukee CAD (demo replay)"


class Command(BaseCommand):
    help = "Create the demo users, the call-type table and the demo CAD feed (writes its key to a file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-file", type=Path, default=Path(settings.BASE_DIR) / ".demo" / "cad-feed.key")
        parser.add_argument("--call-types", type=Path, default=Path(settings.BASE_DIR) / "demo" / "call_types.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            self.stderr.write("demo_setup creates users with published passwords: refused with DJANGO_DEBUG=0")
            raise SystemExit(2)
        for role, password in DEMO_USERS.items():
            user_ensure_with_role(username=role.value, password=password, role=role)
        with options["call_types"].open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            call_type_upsert(
                code=row["code"], description=row["description"], default_priority=int(row["default_priority"])
            )
        key_file: Path = options["key_file"]
        feed = Feed.objects.filter(name=DEMO_FEED).first()
        if feed is None:
            feed, key = feed_services.feed_create(name=DEMO_FEED, kind="cad", slug="milwaukee-cad")
        elif not key_file.exists():
            key = feed_services.feed_rotate_key(feed=feed)
        else:
            key = ""
        if key:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(key + "\n")
            os.chmod(key_file, 0o600)
        # A stopped demo leaves calls open; close them so the map starts with this run's calls only.
        closed = incidents_close_open(source=feed.slug, disposition="Closed by demo_setup (earlier demo run)")
        self.stdout.write(
            f"demo users: {len(DEMO_USERS)}, call types: {len(rows)}, feed key in {key_file}, "
            f"earlier demo calls closed: {closed}"
        )
