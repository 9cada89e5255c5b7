"""The ops map's quick search: CAD number exact, address contains (newest first), plate as a link; audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import IncidentFactory

URL = "/api/v1/search/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_cad_number_is_matched_exactly_and_the_search_is_audited(analyst: Any) -> None:
    target = IncidentFactory(external_id="M-2026-0042", address="2483 W HADLEY ST")
    IncidentFactory(external_id="M-2026-00421")
    response = client_for(analyst).get(f"{URL}?q=m-2026-0042")
    assert response.status_code == 200
    results = response.json()
    assert [(r["kind"], r["id"]) for r in results] == [("incident", target.pk)]
    assert results[0]["label"].startswith("#M-2026-0042 · P1 SHOTS FIRED · 2483 W HADLEY ST")
    assert (results[0]["lat"], results[0]["lon"]) == (43.05, -87.95)
    event = AuditEvent.objects.exclude(action__startswith="auth.").get()
    assert (event.actor_id, event.action, event.details) == (
        analyst.pk,
        "ops.search",
        {"q": "m-2026-0042", "results": 1},
    )


@pytest.mark.django_db
def test_address_contains_case_insensitive_newest_first(analyst: Any) -> None:
    now = timezone.now()
    old = IncidentFactory(address="2400 W Hadley St", received_at=now - timedelta(days=3))
    new = IncidentFactory(address="2483 W HADLEY ST", received_at=now)
    IncidentFactory(address="100 N MAIN ST")
    results = client_for(analyst).get(f"{URL}?q=hadley").json()
    assert [(r["kind"], r["id"]) for r in results] == [("address", new.pk), ("address", old.pk)]


@pytest.mark.django_db
def test_a_plate_only_links_to_the_lpr_search(analyst: Any, supervisor: Any) -> None:
    results = client_for(analyst).get(f"{URL}?q=abc 1234").json()
    assert results == [
        {
            "kind": "plate",
            "label": "Search LPR reads for plate ABC1234 (purpose and case number required)",
            "id": None,
            "lat": None,
            "lon": None,
            "url": "/lpr/search/?plate=ABC1234",
        }
    ]


@pytest.mark.django_db
def test_no_plate_link_for_roles_without_lpr_search(admin_user: Any) -> None:
    assert client_for(admin_user).get(f"{URL}?q=ABC1234").json() == []


@pytest.mark.parametrize(("q", "status"), [("a", 400), ("x" * 65, 400), ("", 400)])
@pytest.mark.django_db
def test_query_length_is_checked(analyst: Any, q: str, status: int) -> None:
    response = client_for(analyst).get(URL, {"q": q})
    assert response.status_code == status
    assert response.json()["error"].startswith("q:")
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


@pytest.mark.django_db
def test_search_needs_a_staff_role(norole_user: Any) -> None:
    assert client_for(norole_user).get(f"{URL}?q=main").status_code == 403
