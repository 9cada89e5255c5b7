"""Auditor UI and API: filters, detail with before/after, audited CSV export, anomaly review; roles."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.choices import FlagStatus
from audit.models import AuditEvent, AuditFlag
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return make_user("aud", Role.AUDITOR)


@pytest.fixture
def trail(analyst: Any, supervisor: Any) -> list[AuditEvent]:
    return [
        audit_record(
            actor=analyst,
            action="lpr.search",
            object_ref="lpr_read",
            purpose="robbery",
            case_number="CAD-1",
            details={"criteria": {"plate_pattern": "ABC123"}},
        ),
        audit_record(actor=analyst, action="camera.export", object_ref="cameras", details={"rows": 3}),
        audit_record(
            actor=supervisor,
            action="admin.change",
            object_ref="cameras.camera:7",
            details={"before": {"name": "Old", "status": "live"}, "after": {"name": "New", "status": "live"}},
        ),
        audit_record(actor=None, action="retention.purge", object_ref="lpr", details={"hits": 0}),
        audit_record(
            actor=analyst, action="lpr.search", object_ref="lpr_read", purpose="=HYPERLINK(1)", case_number="CAD-2"
        ),
    ]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_auditor_sees_the_trail_newest_first_with_actions_to_choose(auditor: Any, trail: list[AuditEvent]) -> None:
    response = client_for(auditor).get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'href="/audit/events/{trail[4].pk}/"') < html.index(f'href="/audit/events/{trail[0].pk}/"')
    for action in ("lpr.search", "camera.export", "admin.change", "retention.purge"):
        assert f'<option value="{action}"' in html
    assert "system" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("user=ana", [0, 1, 4]),
        ("action=lpr.search", [0, 4]),
        ("object=cameras", [1, 2]),
        ("purpose=robbery", [0]),
        ("case_number=CAD-2", [4]),
        ("user=ana&action=lpr.search&case_number=CAD-1", [0]),
    ],
)
def test_filters_narrow_the_trail(auditor: Any, trail: list[AuditEvent], query: str, expected: list[int]) -> None:
    response = APIClient()
    response.force_authenticate(auditor)
    body = response.get(f"/api/v1/audit/events/?{query}").json()
    assert sorted(item["id"] for item in body["results"]) == sorted(trail[n].pk for n in expected)
    page = client_for(auditor).get(f"/audit/?{query}").content.decode()
    shown = {event.pk for event in trail if f'href="/audit/events/{event.pk}/"' in page}
    assert shown == {trail[n].pk for n in expected}


def test_time_filter_and_bad_time_is_a_400(auditor: Any, trail: list[AuditEvent]) -> None:
    api = APIClient()
    api.force_authenticate(auditor)
    later = trail[-1].at.isoformat()
    body = api.get("/api/v1/audit/events/", {"since": later}).json()
    assert [item["id"] for item in body["results"]] == [trail[-1].pk]
    assert api.get("/api/v1/audit/events/", {"until": "yesterday"}).status_code == 400
    assert client_for(auditor).get("/audit/?until=yesterday").status_code == 400


def test_api_returns_the_chain_fields_and_pages(auditor: Any, trail: list[AuditEvent]) -> None:
    api = APIClient()
    api.force_authenticate(auditor)
    body = api.get("/api/v1/audit/events/", {"limit": 2}).json()
    assert body["count"] == 5
    first = body["results"][0]
    assert (first["seq"], first["hash"], first["user"]) == (5, trail[4].hash, "ana")
    assert len(body["results"]) == 2


def test_api_list_query_count_does_not_grow_with_rows(auditor: Any, trail: list[AuditEvent], analyst: Any) -> None:
    api = APIClient()
    api.force_authenticate(auditor)
    api.get("/api/v1/audit/events/")  # warm the role cache
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/audit/events/")
    for n in range(20):
        audit_record(actor=analyst, action="test.more", object_ref=str(n))
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/audit/events/")
    assert len(many) == len(few)


def test_detail_shows_before_and_after(auditor: Any, trail: list[AuditEvent]) -> None:
    html = client_for(auditor).get(f"/audit/events/{trail[2].pk}/").content.decode()
    assert 'id="audit-changes"' in html
    assert '<tr class="changed"><td>name</td><td>Old</td><td>New</td></tr>' in html
    assert trail[2].hash in html
    assert client_for(auditor).get("/audit/events/999999/").status_code == 404


def test_reading_the_trail_is_not_audited(auditor: Any, trail: list[AuditEvent]) -> None:
    client = client_for(auditor)  # (signing in is audited)
    before = AuditEvent.objects.count()
    client.get("/audit/")
    client.get(f"/audit/events/{trail[0].pk}/")
    client.get("/api/v1/audit/events/")
    assert AuditEvent.objects.count() == before


def test_export_streams_the_filtered_rows_formula_safe_and_is_audited(auditor: Any, trail: list[AuditEvent]) -> None:
    response = client_for(auditor).get("/audit/export.csv", {"user": "ana", "action": "lpr.search"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(row["id"]) for row in rows] == [trail[4].pk, trail[0].pk]
    assert rows[0]["purpose"] == "'=HYPERLINK(1)"
    assert rows[1]["hash"] == trail[0].hash
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == auditor.pk
    assert export.details["filters"] == {"user": "ana", "action": "lpr.search"}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.WALL, None])
def test_other_roles_are_refused(make_user: Callable[..., Any], role: Role | None, trail: list[AuditEvent]) -> None:
    user = make_user("other", role)
    client = client_for(user)
    for url in ("/audit/", f"/audit/events/{trail[0].pk}/", "/audit/export.csv", "/audit/anomalies/"):
        assert client.get(url).status_code == 403, url
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/audit/events/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert APIClient().get("/api/v1/audit/events/").status_code == 401


def test_auditor_lands_on_the_audit_page(auditor: Any) -> None:
    response = client_for(auditor).get("/")
    assert response["Location"] == "/audit/"


def test_supervisor_reviews_a_flag_on_the_anomalies_page(supervisor: Any, analyst: Any, auditor: Any) -> None:
    event = audit_record(
        actor=analyst,
        action="lpr.search",
        purpose="robbery",
        case_number="NOPE-1",
        details={"criteria": {"plate_pattern": "ZZZ111"}},
    )
    flag = AuditFlag.objects.create(
        kind="unknown_case",
        user=analyst,
        key="NOPE-1",
        day=event.at.date(),
        window_start=event.at,
        window_end=event.at,
        count=1,
        first_event_at=event.at,
        last_event_at=event.at,
        event_ids=[event.pk],
    )
    html = client_for(auditor).get("/audit/anomalies/").content.decode()
    assert f'id="flag-{flag.pk}"' in html
    assert "ZZZ111" in html  # the evidence rows
    client = client_for(supervisor)
    assert client.post(f"/audit/anomalies/{flag.pk}/review/", {"note": ""}).status_code == 400
    response = client.post(f"/audit/anomalies/{flag.pk}/review/", {"note": "Checked with the analyst."})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.REVIEWED
    assert AuditEvent.objects.filter(action="audit.flag.review", actor=supervisor).exists()
    reviewed = client.get("/audit/anomalies/?status=reviewed").content.decode()
    assert "Checked with the analyst." in reviewed
