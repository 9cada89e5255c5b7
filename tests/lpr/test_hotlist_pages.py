"""Hotlist pages: add a plate, edit it with history, confirm an AMBER plate; roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from cap.ingest import cap_records_process
from feeds import services as feed_services
from lpr.models import HotlistEntry

pytestmark = pytest.mark.django_db
AMBER_XML = Path(__file__).resolve().parents[1] / "cap" / "fixtures" / "oasis_cap12_amber_alert_example.xml"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_add_then_edit_a_plate_and_see_who_changed_what(analyst, supervisor, hotlist) -> None:
    page = signed_in(analyst).post(
        f"/lpr/hotlists/?list={hotlist.pk}", {"plate": "ABC 123", "state": "WI", "reason": "Stolen"}
    )
    assert page.status_code == 302
    entry = HotlistEntry.objects.get()
    assert (entry.plate, entry.entered_by) == ("ABC123", analyst)
    listing = signed_in(analyst).get(page["Location"]).content.decode()
    assert "ABC123" in listing and "Entry added" in listing

    edit = signed_in(supervisor).post(
        f"/lpr/hotlists/entries/{entry.pk}/",
        {"plate": "ABC123", "state": "WI", "reason": "Stolen, armed", "active": ""},
    )
    assert edit.status_code == 302
    entry.refresh_from_db()
    assert entry.active is False and entry.reason == "Stolen, armed"
    history = signed_in(analyst).get(f"/lpr/hotlists/entries/{entry.pk}/").content.decode()
    assert f"by {supervisor.username}" in history and f"by {analyst.username}" in history
    assert "<del>Stolen</del>" in history


def test_a_bad_plate_rerenders_the_form_with_the_error_and_writes_nothing(analyst, hotlist) -> None:
    response = signed_in(analyst).post(f"/lpr/hotlists/?list={hotlist.pk}", {"plate": "A" * 30, "reason": "x"})
    assert response.status_code == 400
    assert "Ensure this value has at most 16 characters" in response.content.decode()
    response = signed_in(analyst).post(f"/lpr/hotlists/?list={hotlist.pk}", {"plate": "AB!C", "reason": "x"})
    assert response.status_code == 400 and "may only hold letters" in response.content.decode()
    assert not HotlistEntry.objects.exists()


def test_amber_alert_plate_is_offered_and_listed_on_confirmation(analyst) -> None:
    feed, _ = feed_services.feed_create(name="CAP", kind="cap", slug="cap-pages")
    with transaction.atomic():
        cap_records_process(feed=feed, records=[{"xml": AMBER_XML.read_text(encoding="utf-8")}])
    client = signed_in(analyst)
    page = client.get("/lpr/hotlists/").content.decode()
    assert "AMBER alerts: confirm the plate" in page and 'value="4XXX000"' in page
    from cap.models import CapAlert

    response = client.post(
        "/lpr/hotlists/", {"action": "amber", "cap_alert": CapAlert.objects.get().pk, "plate": "4XXX000", "state": "CA"}
    )
    assert response.status_code == 302
    assert HotlistEntry.objects.get().hotlist.source == "amber"
    assert "on the AMBER list" in client.get("/lpr/hotlists/").content.decode()


def test_pages_need_the_hotlist_role(norole_user, hotlist) -> None:
    assert Client().get("/lpr/hotlists/").status_code == 302
    assert signed_in(norole_user).get("/lpr/hotlists/").status_code == 403
