"""Seed the two example rules of the analyst-workflow issue (idempotent: existing names are kept)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rules.models import Rule
from rules.services import rule_create

DEMO_HOTLIST = "Stolen vehicles (demo)"  # created by `manage.py demo_lpr`


def demo_rules(hotlist: str) -> list[dict[str, Any]]:
    """Call types are codes of demo/call_types.csv (Milwaukee CAD natures)."""
    return [
        {
            "name": "Armed violence P1: cameras and correlation",
            "trigger": "incident",
            "conditions": [
                {"field": "call_type", "op": "in", "value": ["SHOOTING", "ROBBERY ARMED"]},
                {"field": "priority", "op": "eq", "value": 1},
            ],
            "actions": {
                "raise_alert": {"priority": 1, "title": "{call_type} (P{priority}) at {address}"},
                "audience": "ops",
                "attach_cameras": 3,
                "open_correlation": True,
            },
        },
        {
            "name": f"LPR hit on {hotlist} to supervisors",
            "trigger": "lpr_hit",
            "conditions": [{"field": "hotlist", "op": "eq", "value": hotlist}],
            "actions": {
                "raise_alert": {"priority": 2, "title": "Plate {plate} ({state}) on {hotlist} at {reader}"},
                "audience": {"roles": ["supervisor"], "users": []},
                "attach_cameras": 1,
                "open_correlation": False,
            },
        },
    ]


class Command(BaseCommand):
    help = "Create the demo alert rules (armed-violence CAD calls; LPR hits of the demo hotlist). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin", default="admin", help="The admin recorded as the rules' author.")
        parser.add_argument("--hotlist", default=DEMO_HOTLIST)

    def handle(self, *args: Any, **options: Any) -> None:
        admin = get_user_model().objects.filter(username=options["admin"]).first()
        if admin is None:
            raise CommandError(f"--admin: no user {options['admin']!r} (run demo_setup first)")
        for data in demo_rules(options["hotlist"]):
            if Rule.objects.filter(name=data["name"]).exists():
                self.stdout.write(f"kept rule {data['name']!r}")
                continue
            rule = rule_create(user=admin, data=data)
            self.stdout.write(f"created rule {rule.name!r} (#{rule.pk})")
