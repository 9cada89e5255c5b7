"""Every export or download endpoint leaves its audit row; retention jobs record themselves, never touch the trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.models import AuditEvent
from audit.services import audit_record
from cases import services as case_services
from evidence.services import evidence_upload
from tests.bulletins.test_api import create as bulletin_create
from tests.evidence.conftest import png_bytes, upload
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

# Route name → the audit action its download records. A new export route must be added here.
EXPORT_ROUTES = {
    "api-camera-export": "camera.export",
    "api-camera-mou": "camera.mou.download",
    "api-lpr-read-export": "lpr.export",
    "api-case-packet": "case.packet_exported",
    "api-evidence-download": "evidence.downloaded",
    "api-bulletin-pdf": "bulletin.export_pdf",
    "bulletin-pdf": "bulletin.export_pdf",
    "audit-export": "audit.export",
    "analytics-export": "analytics.export",
    "analytics-hotspots-repeat-csv": "analytics.export",
    "analytics-monthly-report": "analytics.monthly_report_pdf",
}
EXPORT_WORDS = ("export", "download", "pdf", "packet", "mou", "csv", "zip")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def test_every_export_route_is_listed_here() -> None:
    """Generated: a new route that looks like a download must say which audit action it records."""
    found = {
        name
        for route, name in _routes(get_resolver().url_patterns)
        if name and any(word in f"{route} {name}".lower() for word in EXPORT_WORDS) and not route.startswith("admin/")
    }
    assert found == set(EXPORT_ROUTES)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def fetch(client: APIClient, url: str, params: dict[str, Any] | None = None) -> None:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code, getattr(response, "content", b"")[:300])
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a streamed export records before or while it streams


def test_each_export_and_download_is_audited(
    analyst: Any, supervisor: Any, admin_user: Any, make_user: Callable[..., Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    auditor = make_user("aud", Role.AUDITOR)
    camera: Any = CameraFactory()
    camera.mou_file.save("m.pdf", ContentFile(b"%PDF-1.4 signed"), save=False)
    camera.save(update_fields=["mou_file"])
    case = case_services.case_open(actor=analyst, title="Robbery")
    evidence = evidence_upload(
        user=analyst, case_id=case.pk, uploaded_file=upload("still.png", png_bytes()), title="Still"
    )
    bulletin = bulletin_create(analyst)
    calls: dict[str, tuple[Any, str, dict[str, Any]]] = {
        "api-camera-export": (admin_user, "/api/v1/cameras/export/", {"format": "csv"}),
        "api-camera-mou": (admin_user, f"/api/v1/cameras/{camera.pk}/mou/", {}),
        "api-lpr-read-export": (
            analyst,
            "/api/v1/lpr/reads/export/",
            {"purpose": "stolen_vehicle", "case_number": case.number, "plate": "ABC*"},
        ),
        "api-case-packet": (analyst, f"/api/v1/cases/{case.pk}/packet/", {}),
        "api-evidence-download": (analyst, f"/api/v1/evidence/{evidence.pk}/download/", {"reason": "For the DA"}),
        "api-bulletin-pdf": (supervisor, f"/api/v1/bulletins/{bulletin['id']}/pdf/", {}),
        "bulletin-pdf": (supervisor, f"/bulletins/{bulletin['id']}/pdf/", {}),
        "audit-export": (auditor, "/audit/export.csv", {"action": "case.open"}),
        "analytics-export": (auditor, "/analytics/assists/incidents_assists_by_call_type.csv", {}),
        "analytics-hotspots-repeat-csv": (supervisor, "/analytics/hotspots/repeat-addresses.csv", {}),
        "analytics-monthly-report": (supervisor, "/analytics/reports/monthly.pdf", {}),
    }
    assert set(calls) == set(EXPORT_ROUTES)
    for name, (user, url, params) in calls.items():
        client = client_for(user)
        before = set(AuditEvent.objects.filter(action=EXPORT_ROUTES[name]).values_list("id", flat=True))
        fetch(client, url, params)
        new = AuditEvent.objects.filter(action=EXPORT_ROUTES[name], actor=user).exclude(id__in=before)
        assert new.count() == 1, name


def test_retention_jobs_record_a_system_event_and_leave_the_audit_trail_alone(analyst: Any) -> None:
    from bulletins.services import bulletins_expire_due
    from cameras.services import footage_requests_expire
    from lpr.retention import retention_purge
    from lpr.services.hotlists import entries_expire

    old = [audit_record(actor=analyst, action="lpr.search", case_number=f"OLD-{n}") for n in range(3)]
    far_future = timezone.now() + dt.timedelta(days=4000)  # every retention window has passed for these rows
    retention_purge(now=far_future)
    entries_expire(now=far_future)
    bulletins_expire_due(now=far_future)
    footage_requests_expire(now=far_future)
    assert AuditEvent.objects.filter(pk__in=[event.pk for event in old]).count() == 3
    purge = AuditEvent.objects.get(action="retention.purge", object_ref="lpr")
    assert purge.actor_id is None
    assert set(purge.details) == {"hits", "reads"}
    assert purge.details["reads"]["rows_removed"] == 0
    from audit.chain import chain_verify

    assert chain_verify().intact


def test_audit_retention_below_a_year_is_refused() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='rtcc.settings'; django.setup()",
        ],
        env={**__import__("os").environ, "RTCC_AUDIT_RETENTION_DAYS": "364"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "RTCC_AUDIT_RETENTION_DAYS must be at least 365" in result.stderr
