"""Shift log API and page: sign on/off rules, handover notes (validation, events), roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rtcc.models import OutboxEvent
from shifts.hours import shift_at
from shifts.models import HandoverNote, ShiftSignOn

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_sign_on_then_twice_is_409_and_sign_off_without_sign_on_is_409(analyst: Any) -> None:
    client = client_for(analyst)
    off = client.post(reverse("api-shift-sign-off"))
    assert off.status_code == 409 and "Not signed on" in off.json()["error"]
    on = client.post(reverse("api-shift-sign-on"))
    assert on.status_code == 201, on.json()
    assert on.json()["shift"] == shift_at(timezone.now()).name and on.json()["signed_off_at"] is None
    again = client.post(reverse("api-shift-sign-on"))
    assert again.status_code == 409 and "Already signed on" in again.json()["error"]
    current = client.get(reverse("api-shift-current")).json()
    assert current["signed_on"] is True and [s["user"] for s in current["on_duty"]] == ["ana"]
    assert client.post(reverse("api-shift-sign-off")).status_code == 200
    assert client.post(reverse("api-shift-sign-off")).status_code == 409
    assert client.get(reverse("api-shift-current")).json()["on_duty"] == []
    events = OutboxEvent.objects.filter(type="shift.duty.changed").order_by("seq")
    assert sorted({e.stream for e in events}) == ["role.admin", "role.analyst", "role.supervisor"]
    assert [e.payload["count"] for e in events if e.stream == "role.analyst"] == [1, 0]


def test_a_sign_on_left_open_in_an_earlier_shift_is_closed_at_its_end(analyst: Any) -> None:
    window = shift_at(timezone.now())
    earlier = shift_at(window.starts_at - timezone.timedelta(hours=20))
    stale = ShiftSignOn.objects.create(
        user=analyst, shift_date=earlier.date, shift=earlier.name, signed_on_at=earlier.starts_at
    )
    assert client_for(analyst).post(reverse("api-shift-sign-on")).status_code == 201
    stale.refresh_from_db()
    assert stale.signed_off_at == earlier.ends_at


def test_handover_note_validation_and_events(analyst: Any, supervisor: Any) -> None:
    client = client_for(analyst)
    empty = client.post(reverse("api-shift-handover"), {"text": "   ", "open_items": "x"}, format="json")
    assert empty.status_code == 400 and empty.json()["error"] == "text: required"
    missing = client.post(reverse("api-shift-handover"), {}, format="json")
    assert missing.status_code == 400 and missing.json()["error"].startswith("text:")
    assert not HandoverNote.objects.exists() and not OutboxEvent.objects.filter(type__startswith="shift.").exists()
    body = {"text": "Quiet night", "open_items": "CAD 1234 shooting: footage requested", "watch_items": "Plate ABC123"}
    created = client.post(reverse("api-shift-handover"), body, format="json")
    assert created.status_code == 201, created.json()
    note = created.json()
    assert note["author"] == "ana" and note["shift"] == shift_at(timezone.now()).name
    events = OutboxEvent.objects.filter(type="shift.handover.created")
    assert sorted(events.values_list("stream", flat=True)) == ["role.admin", "role.analyst", "role.supervisor"]
    assert not OutboxEvent.objects.filter(stream="ops", type__startswith="shift.").exists()
    listed = client_for(supervisor).get(reverse("api-shift-handover"), {"date": note["shift_date"]})
    assert [n["id"] for n in listed.json()] == [note["id"]]
    assert client_for(supervisor).get(reverse("api-shift-handover"), {"date": "2001-01-01"}).json() == []
    bad = client_for(supervisor).get(reverse("api-shift-handover"), {"date": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("date:")
    current = client_for(supervisor).get(reverse("api-shift-current")).json()
    assert [n["id"] for n in current["notes"]] == [note["id"]] and current["handover_received"] == []


def test_notes_of_the_previous_shift_are_the_handover_received(analyst: Any) -> None:
    window = shift_at(timezone.now())
    previous = shift_at(window.starts_at - timezone.timedelta(seconds=1))
    HandoverNote.objects.create(
        shift_date=previous.date, shift=previous.name, author=analyst, text="Handover", watch_items="Gate C"
    )
    current = client_for(analyst).get(reverse("api-shift-current")).json()
    assert current["previous"]["name"] == previous.name
    assert [n["watch_items"] for n in current["handover_received"]] == ["Gate C"]
    assert current["banner_minutes"] == 30


def test_notes_cannot_be_updated_or_deleted_even_with_raw_sql(analyst: Any) -> None:
    note = HandoverNote.objects.create(shift_date=timezone.localdate(), shift="Day", author=analyst, text="Original")
    for statement in (
        "UPDATE shifts_handovernote SET text = 'rewritten' WHERE id = %s",
        "DELETE FROM shifts_handovernote WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [note.pk])
    note.refresh_from_db()
    assert note.text == "Original"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        note.delete()
    assert HandoverNote.objects.filter(pk=note.pk).exists()


def test_no_edit_or_delete_through_the_api(analyst: Any) -> None:
    client = client_for(analyst)
    client.post(reverse("api-shift-handover"), {"text": "Note"}, format="json")
    for method in (client.put, client.patch, client.delete):
        assert method(reverse("api-shift-handover"), {"text": "changed"}, format="json").status_code == 405
    assert HandoverNote.objects.get().text == "Note"


def test_roles(admin_user: Any, make_user: Any, norole_user: Any) -> None:
    from accounts.roles import Role

    wall = make_user("wall", Role.WALL)
    admin = client_for(admin_user)
    assert admin.get(reverse("api-shift-current")).status_code == 200  # admins read
    assert admin.get(reverse("api-shift-handover")).status_code == 200
    assert admin.post(reverse("api-shift-handover"), {"text": "x"}, format="json").status_code == 403
    assert admin.post(reverse("api-shift-sign-on")).status_code == 403
    for user in (wall, norole_user):
        client = client_for(user)
        assert client.get(reverse("api-shift-current")).status_code == 403
        assert client.get(reverse("api-shift-handover")).status_code == 403
        assert client.post(reverse("api-shift-sign-on")).status_code == 403
    assert APIClient().get(reverse("api-shift-current")).status_code in (401, 403)


def test_page_signs_on_and_writes_a_note(analyst: Any, client: Any) -> None:
    client.force_login(analyst)
    page = client.get(reverse("shift-log"))
    assert page.status_code == 200 and b'id="sign-on"' in page.content
    assert b"shift-card current" in page.content  # by default the day of the current shift (night: yesterday)
    assert client.post(reverse("shift-log"), {"action": "sign_on"}).status_code == 302
    assert b'id="sign-off"' in client.get(reverse("shift-log")).content
    empty = client.post(reverse("shift-log"), {"action": "handover", "text": "", "open_items": "kept"})
    assert empty.status_code == 400 and b"text: required" in empty.content and b"kept" in empty.content
    client.post(reverse("shift-log"), {"action": "handover", "text": "Handover <b>bold</b>", "watch_items": "Gate C"})
    page = client.get(reverse("shift-log"))
    assert b"Handover &lt;b&gt;bold&lt;/b&gt;" in page.content and b"Gate C" in page.content


def test_page_is_read_only_for_admins_and_refused_to_the_wall(admin_user: Any, make_user: Any, client: Any) -> None:
    from accounts.roles import Role

    client.force_login(admin_user)
    page = client.get(reverse("shift-log"))
    assert page.status_code == 200 and b"handover-form" not in page.content
    assert client.post(reverse("shift-log"), {"action": "sign_on"}).status_code == 403
    client.force_login(make_user("wall", Role.WALL))
    assert client.get(reverse("shift-log")).status_code == 403
