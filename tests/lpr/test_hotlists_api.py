"""Hotlist entries through the API: create (retroactive hits), edit with history, AMBER from CAP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cap.ingest import cap_records_process
from feeds import services as feed_services
from lpr.models import Hit, HotlistEntry
from lpr.services.reads import reads_insert_and_match

pytestmark = pytest.mark.django_db
AMBER_XML = Path(__file__).resolve().parents[1] / "cap" / "fixtures" / "oasis_cap12_amber_alert_example.xml"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_entry_create_matches_earlier_reads_and_edits_are_kept_in_history(analyst, lpr_feed, reader, hotlist) -> None:
    with transaction.atomic():
        reads_insert_and_match(
            feed=lpr_feed[0],
            reads=[
                {
                    "external_id": "r1",
                    "read_at": timezone.now() - timedelta(hours=5),
                    "plate_raw": "ABC1234",
                    "plate": "ABC1234",
                    "state": "WI",
                    "confidence": 88.0,
                    "latitude": None,
                    "longitude": None,
                    "reader": "pole-17",
                }
            ],
        )
    client = client_for(analyst)
    response = client.post(
        f"/api/v1/lpr/hotlists/{hotlist.pk}/entries/create/",
        {"plate": "abc 1234", "state": "wi", "reason": "Stolen vehicle", "case_number": "2026-004411"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["entry"]["plate"] == "ABC1234" and body["retroactive_hits"] == 1
    entry_id = body["entry"]["id"]
    assert Hit.objects.get().retroactive is True

    response = client.post(
        f"/api/v1/lpr/entries/{entry_id}/update/", {"reason": "Stolen, armed occupants"}, format="json"
    )
    assert response.status_code == 200
    client.post(f"/api/v1/lpr/entries/{entry_id}/update/", {"active": False}, format="json")
    history = client.get(f"/api/v1/lpr/entries/{entry_id}/history/").json()
    assert [(h["action"], h["changed_by"]) for h in history] == [
        ("create", analyst.username),
        ("update", analyst.username),
        ("update", analyst.username),
    ]
    assert history[1]["before"] == {"reason": "Stolen vehicle"}
    assert history[1]["after"] == {"reason": "Stolen, armed occupants"}
    assert history[2]["after"] == {"active": False}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"plate": "", "reason": "x"}, "plate"),
        ({"plate": "A" * 30, "reason": "x"}, "plate"),
        ({"plate": "AB\x00C", "reason": "x"}, "plate"),
        ({"plate": "ABC123"}, "reason"),
        ({"plate": "ABC123", "reason": "x", "state": "Wisconsin"}, "state"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(analyst, hotlist, data: dict[str, Any], field: str) -> None:
    response = client_for(analyst).post(f"/api/v1/lpr/hotlists/{hotlist.pk}/entries/create/", data, format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:"), response.json()
    assert not HotlistEntry.objects.exists()


def test_amber_plate_is_listed_only_after_an_analyst_confirms_it(analyst) -> None:
    feed, _ = feed_services.feed_create(name="CAP", kind="cap", slug="cap-test")
    with transaction.atomic():
        cap_records_process(feed=feed, records=[{"xml": AMBER_XML.read_text(encoding="utf-8")}])
    from cap.models import CapAlert

    alert = CapAlert.objects.get()
    client = client_for(analyst)
    plates = client.get(f"/api/v1/cap/{alert.pk}/amber-plates/").json()
    assert plates["is_amber"] is True
    assert [c["plate"] for c in plates["candidates"]] == ["4XXX000"]
    assert not HotlistEntry.objects.exists()  # nothing listed until confirmed

    response = client.post(
        "/api/v1/lpr/amber/from-cap/", {"cap_alert": alert.pk, "plate": "4XXX000", "state": "CA"}, format="json"
    )
    assert response.status_code == 201, response.content
    entry = HotlistEntry.objects.select_related("hotlist").get()
    assert (entry.hotlist.source, entry.hotlist.priority, entry.plate, entry.state) == ("amber", 1, "4XXX000", "CA")
    again = client.post("/api/v1/lpr/amber/from-cap/", {"cap_alert": alert.pk, "plate": "4XXX000"}, format="json")
    assert again.status_code == 400 and again.json()["error"].startswith("plate:")


def test_hotlist_apis_are_refused_to_users_without_a_role(norole_user, hotlist) -> None:
    assert client_for(norole_user).get("/api/v1/lpr/hotlists/").status_code == 403
    assert APIClient().get("/api/v1/lpr/hotlists/").status_code == 401
