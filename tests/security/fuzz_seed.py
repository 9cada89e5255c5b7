"""A little of everything, so the fuzzer's detail routes find objects (ids 1, 2… in a fresh test DB)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from alerts.mutes import alert_mute_create
from alerts.services import alert_raise_or_update
from bulletins.services import bulletin_create
from cameras.models import Camera
from cameras.services.footage import footage_request_create
from cases.services import case_open, log_append
from feeds.models import Feed
from lpr.models import HotlistEntry, Reader
from lpr.services.reads import reads_insert_and_match
from monitoring.models import Subject
from tests.factories import CameraFactory, IncidentFactory


def seed_objects(workdir: Path) -> None:
    """Demo users, call types, feeds, readers, hotlist, rules, an operation; incidents, cameras,
    an alert, a case and a bulletin."""
    quiet = {"stdout": open(workdir / "seed.log", "w")}  # noqa: SIM115 - closed with the process
    with override_settings(DEBUG=True):
        call_command("demo_setup", key_file=workdir / "cad.key", **quiet)
        for number in range(3):
            IncidentFactory(external_id=f"FUZZ-{number}")
            CameraFactory(external_id=f"demo-{number}", source="import")
        call_command("demo_lpr", key_file=workdir / "lpr.key", **quiet)
        call_command("demo_rules", **quiet)
        call_command("demo_operation", **quiet)
    supervisor = get_user_model().objects.get(username="supervisor")
    with transaction.atomic():
        alert_raise_or_update(type="cad_call", source_key="fuzz-1", priority=1, title="Fuzz alert")
    case = case_open(actor=supervisor, title="Fuzz case", summary="Seeded for the fuzzer.")
    with transaction.atomic():
        log_append(actor=supervisor, case_id=case.pk, text="First entry.")
    bulletin_create(
        actor=supervisor,
        kind="bolo",
        title="Fuzz bulletin",
        summary="Seeded for the fuzzer.",
        expires_at=timezone.now() + timedelta(days=7),
    )
    _seed_more(supervisor)
    assert settings.DATABASES["default"]["NAME"].startswith("test_")


def _seed_more(supervisor: Any) -> None:
    """A footage request, an alert mute, an LPR read with its hit, a monitored subject."""
    now = timezone.now()
    camera = Camera.objects.order_by("pk").first()
    assert camera is not None
    footage_request_create(
        user=supervisor,
        camera_id=camera.pk,
        window_start=now - timedelta(hours=2),
        window_end=now - timedelta(hours=1),
        reason="Seeded for the fuzzer.",
    )
    alert_mute_create(user=supervisor, reason="Seeded for the fuzzer.", expires_at=now + timedelta(hours=1), type="cap")
    entry = HotlistEntry.objects.order_by("pk").first()
    feed = Feed.objects.get(slug="demo-lpr")
    reader = Reader.objects.filter(feed=feed).order_by("pk").first()
    assert entry is not None and reader is not None
    read = {
        "read_at": now - timedelta(minutes=5),
        "reader": reader.external_id,
        "external_id": "fuzz-read-1",
        "plate_raw": entry.plate,
        "plate": entry.plate,
        "state": "WI",
        "confidence": 0.95,
    }
    with transaction.atomic():
        outcome = reads_insert_and_match(feed=feed, reads=[read])
    assert outcome.hits, "the seeded read should hit the demo hotlist"
    Subject.objects.create(
        source="fuzz-gps", device_id="FUZZ-1", reference="FUZZ-1", supervision_type="probation", active_from=now.date()
    )
