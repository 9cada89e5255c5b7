from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from cameras.models import Camera
from rtcc.geo import LocationStatus, locate


@pytest.mark.django_db
def test_demo_cameras_are_seeded_once_and_rerunning_changes_nothing(settings: Any, admin_user: Any) -> None:
    settings.DEBUG = True
    call_command("demo_cameras", "--count", "12", "--admin", admin_user.username, stdout=StringIO())
    approved = Camera.objects.filter(status="approved")
    assert approved.count() == 12
    assert Camera.objects.filter(status="pending").count() == 3
    assert all(locate(c.location.y, c.location.x)[1] == LocationStatus.OK for c in approved)
    assert {c.tier for c in approved} == {"live", "footage", "register"}
    snapshot = sorted(approved.values_list("external_id", "heading", "fov", "range_m"))
    audits = AuditEvent.objects.count()

    out = StringIO()
    call_command("demo_cameras", "--count", "12", "--admin", admin_user.username, stdout=out)
    assert "0 created, 12 updated, 0 pending" in out.getvalue()
    assert (
        sorted(Camera.objects.filter(status="approved").values_list("external_id", "heading", "fov", "range_m"))
        == snapshot
    )
    assert AuditEvent.objects.count() == audits  # nothing changed, nothing recorded


@pytest.mark.django_db
def test_demo_cameras_refuse_production_mode(settings: Any, admin_user: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(Exception, match="DJANGO_DEBUG=0"):
        call_command("demo_cameras", "--admin", admin_user.username)
