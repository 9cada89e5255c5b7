"""manage.py demo_operation: a Summerfest operation over downtown Milwaukee, active from now on.

Idempotent: re-running moves the window of the existing demo operation to [now - 1 h, now + 12 h].
The demo replays Milwaukee calls, so incidents keep appearing inside it in the workspace.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.models import Operation
from operations.services import log_append, operation_create, operation_update

NAME = "Demo: Summerfest (downtown and lakefront)"
DOWNTOWN = Polygon(((-87.93, 43.025), (-87.89, 43.025), (-87.89, 43.06), (-87.93, 43.06), (-87.93, 43.025)), srid=4326)


class Command(BaseCommand):
    help = "Create (or move to now) the demo operation over downtown Milwaukee; needs demo_setup's users."

    def handle(self, *args: Any, **options: Any) -> None:
        supervisor = get_user_model().objects.filter(username="supervisor").first()
        if supervisor is None:
            raise CommandError("run demo_setup first (it creates the supervisor user)")
        now = timezone.now()
        window = {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(hours=12)}
        existing = Operation.objects.filter(name=NAME).first()
        if existing:
            operation_update(actor=supervisor, operation_id=existing.pk, changes=window)
            self.stdout.write(f"demo operation {existing.pk}: window moved to now")
            return
        operation = operation_create(
            actor=supervisor,
            name=NAME,
            description="Festival grounds, downtown and the Third Ward. Demo data.",
            area=MultiPolygon(DOWNTOWN, srid=4326),
            area_source="GeoJSON (demo)",
            **window,
        )
        log_append(actor=supervisor, operation=operation, text="Operation opened; command post at gate 1.")
        self.stdout.write(f"demo operation {operation.pk} created: /operations/{operation.pk}/")
