from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds import services
from feeds.models import Feed
from rtcc.errors import InvalidInput


class Command(BaseCommand):
    help = "Register a feed and print its API key once (or rotate the key of an existing feed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kind", default="cad")
        parser.add_argument("--slug", default="")
        parser.add_argument("--rotate", action="store_true", help="Feed exists: issue a new key.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"]:
            feed = Feed.objects.filter(name=options["name"]).first()
            if feed is None:
                raise CommandError(f"name: no feed called {options['name']!r}")
            key = services.feed_rotate_key(feed=feed)
        else:
            try:
                feed, key = services.feed_create(name=options["name"], kind=options["kind"], slug=options["slug"])
            except InvalidInput as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(key)
