"""The alert lifecycle over the REST API: new -> acknowledged -> assigned -> resolved, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from alerts.choices import AlertStatus
from alerts.models import Alert, AlertNote
from audit.models import AuditEvent
from rtcc.models import OutboxEvent
from tests.alerts.conftest import client_for, raise_alert

pytestmark = pytest.mark.django_db


def post(user: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client_for(user).post(url, data or {}, format="json")


def test_full_lifecycle_records_who_and_when_and_pushes_every_change(analyst: Any) -> None:
    alert = raise_alert()
    before = OutboxEvent.objects.filter(type="alert.updated").count()

    acked = post(analyst, f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert acked.status_code == 200, acked.json()
    assert acked.json()["status"] == "acknowledged"
    assert acked.json()["acknowledged_by"]["username"] == "ana"
    assert acked.json()["seconds_to_acknowledge"] is not None

    taken = post(analyst, f"/api/v1/alerts/{alert.pk}/assign/")
    assert taken.status_code == 200
    assert taken.json()["assignee"] == {"id": analyst.pk, "username": "ana", "name": "ana"}

    noted = post(analyst, f"/api/v1/alerts/{alert.pk}/notes/", {"text": "Called district 3"})
    assert noted.status_code == 201
    assert [n["text"] for n in noted.json()["notes"]] == ["Called district 3"]

    resolved = post(analyst, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "actionable", "note": "Unit sent"})
    assert resolved.status_code == 200
    body = resolved.json()
    assert (body["status"], body["disposition"], body["resolved_by"]["username"]) == ("resolved", "actionable", "ana")
    assert body["seconds_to_resolve"] >= body["seconds_to_acknowledge"] >= 0
    assert body["notes_count"] == 2  # the resolution note is kept as a note too

    events = OutboxEvent.objects.filter(type="alert.updated").order_by("seq")
    assert events.count() - before == 4
    last = events.last().payload
    assert (last["status"], last["assignee"]["username"], last["notes_count"]) == ("resolved", "ana", 2)
    assert last["type_label"] == "Shots fired"
    actions = set(AuditEvent.objects.filter(object_ref=f"alert:{alert.pk}").values_list("action", flat=True))
    assert actions == {"alert.acknowledge", "alert.assign", "alert.note", "alert.resolve"}


def test_resolve_without_disposition_is_400_and_changes_nothing(analyst: Any) -> None:
    alert = raise_alert()
    response = post(analyst, f"/api/v1/alerts/{alert.pk}/resolve/", {"note": "done"})
    assert response.status_code == 400
    assert response.json()["error"] == "disposition: required"
    bad = post(analyst, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "system"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("disposition:")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW and not AlertNote.objects.exists()


def test_acknowledging_a_resolved_alert_is_409_naming_who_resolved_it(analyst: Any, analyst_b: Any) -> None:
    alert = raise_alert()
    assert post(analyst_b, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "benign"}).status_code == 200
    response = post(analyst, f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 409
    assert "resolved by bob (Bob Baker)" in response.json()["error"]
    assert response.json()["details"]["holder"]["username"] == "bob"
    again = post(analyst_b, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "benign"})
    assert again.status_code == 409


def test_acknowledge_only_from_new(analyst: Any, analyst_b: Any) -> None:
    alert = raise_alert()
    assert post(analyst_b, f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 200
    response = post(analyst, f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 409
    assert "acknowledged by bob (Bob Baker)" in response.json()["error"]


def test_an_alert_held_by_another_analyst_cannot_be_taken_or_resolved_but_a_supervisor_may(
    analyst: Any, analyst_b: Any, supervisor: Any
) -> None:
    alert = raise_alert()
    assert post(analyst_b, f"/api/v1/alerts/{alert.pk}/assign/").status_code == 200
    taken = post(analyst, f"/api/v1/alerts/{alert.pk}/assign/")
    assert taken.status_code == 409
    assert taken.json()["error"] == f"assignee: alert {alert.pk} is held by bob (Bob Baker)."
    assert post(analyst, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "benign"}).status_code == 409
    moved = post(supervisor, f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": analyst.pk})
    assert moved.status_code == 200 and moved.json()["assignee"]["username"] == "ana"
    assert moved.json()["acknowledged_by"]["username"] == "bob"  # the first acknowledgement stays


def test_assign_to_someone_who_cannot_work_alerts_is_400(analyst: Any, wall_user: Any) -> None:
    alert = raise_alert()
    response = post(analyst, f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": wall_user.pk})
    assert response.status_code == 400 and response.json()["error"].startswith("assignee:")


def test_note_text_is_required(analyst: Any) -> None:
    alert = raise_alert()
    response = post(analyst, f"/api/v1/alerts/{alert.pk}/notes/", {"text": "  "})
    assert response.status_code == 400 and response.json()["error"].startswith("text:")


def test_bulk_acknowledge_reports_each_id(analyst: Any, analyst_b: Any) -> None:
    first, second, third = raise_alert(1), raise_alert(2), raise_alert(3)
    assert post(analyst_b, f"/api/v1/alerts/{second.pk}/assign/").status_code == 200
    hidden = raise_alert(4, streams=["admin"])  # not on an analyst's streams: reported as not found
    response = post(analyst, "/api/v1/alerts/acknowledge/", {"ids": [first.pk, second.pk, third.pk, hidden.pk, 999999]})
    assert response.status_code == 200
    body = response.json()
    assert body["acknowledged"] == 2
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id[first.pk]["ok"] and by_id[third.pk]["ok"]
    assert by_id[second.pk]["status"] == 409 and "assigned to bob" in by_id[second.pk]["error"]
    assert by_id[hidden.pk]["status"] == 404 and by_id[999999]["status"] == 404
    assert set(Alert.objects.filter(status="acknowledged").values_list("pk", flat=True)) == {first.pk, third.pk}
    assert post(analyst, "/api/v1/alerts/acknowledge/", {"ids": []}).json()["error"].startswith("ids:")


def test_list_filters_and_order(analyst: Any, analyst_b: Any) -> None:
    low, high, mine = raise_alert(1, priority=4), raise_alert(2, priority=1), raise_alert(3, priority=3)
    resolved = raise_alert(5, priority=1)
    post(analyst, f"/api/v1/alerts/{mine.pk}/assign/")
    post(analyst_b, f"/api/v1/alerts/{resolved.pk}/resolve/", {"disposition": "benign"})
    client = client_for(analyst)
    ids = [a["id"] for a in client.get("/api/v1/alerts/?open=true").json()["results"]]
    assert ids == [high.pk, mine.pk, low.pk]
    assert [a["id"] for a in client.get("/api/v1/alerts/?assignee=me").json()["results"]] == [mine.pk]
    assert [a["id"] for a in client.get("/api/v1/alerts/?status=resolved").json()["results"]] == [resolved.pk]
    detail = client.get(f"/api/v1/alerts/{mine.pk}/").json()
    assert detail["status"] == "assigned" and detail["notes"] == []


def test_an_alert_on_streams_the_user_does_not_receive_is_404(analyst: Any) -> None:
    alert = raise_alert(streams=["admin"])
    assert client_for(analyst).get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert post(analyst, f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404


def test_wall_reads_but_cannot_act_and_admin_cannot_act(wall_user: Any, admin_user: Any) -> None:
    alert = raise_alert()
    assert client_for(wall_user).get(f"/api/v1/alerts/{alert.pk}/").status_code == 200
    for user in (wall_user, admin_user):
        assert post(user, f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 403
        assert post(user, f"/api/v1/alerts/{alert.pk}/resolve/", {"disposition": "benign"}).status_code == 403
        assert post(user, "/api/v1/alerts/acknowledge/", {"ids": [alert.pk]}).status_code == 403
    assert client_for(None).get("/api/v1/alerts/").status_code == 401


def test_list_query_count_does_not_grow_with_alerts(
    analyst: Any, analyst_b: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        alert = raise_alert(number)
        if number % 2:
            post(analyst_b, f"/api/v1/alerts/{alert.pk}/assign/")
    client = client_for(analyst)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/alerts/?open=true").json()["results"]) == 30
