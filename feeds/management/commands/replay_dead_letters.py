from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds import services
from feeds.models import Feed


class Command(BaseCommand):
    help = "Process open dead letters again (after fixing their cause)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed", help="Only this feed (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        feed = None
        if options["feed"]:
            feed = Feed.objects.filter(slug=options["feed"]).first()
            if feed is None:
                raise CommandError(f"--feed: no feed with slug {options['feed']!r}")
        result = services.dead_letters_replay(feed=feed)
        self.stdout.write(f"replayed {result['replayed']}, still failing {result['failed']}")
