"""Cases API: roles, bad input (400 naming the field), wrong state (409), query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.models import Case
from tests.cases.conftest import client_for
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_open_append_link_submit_return_approve_over_the_api(analyst: Any, supervisor: Any) -> None:
    ana, sup = client_for(analyst), client_for(supervisor)
    incident = IncidentFactory()
    response = ana.post(
        reverse("api-case-list"),
        {"title": "Shots fired, W Center St", "links": [{"kind": "incident", "object_id": incident.pk}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    assert response.json()["number"].startswith("RTCC-")
    assert (
        ana.post(
            reverse("api-case-log", args=[case_id]),
            {"text": "Reviewed cam 3", "kind": "camera_reviewed"},
            format="json",
        ).status_code
        == 201
    )
    camera = CameraFactory()
    linked = ana.post(
        reverse("api-case-links", args=[case_id]), {"kind": "camera", "object_id": camera.pk}, format="json"
    )
    assert linked.status_code == 201 and linked.json()["case_number"].startswith("RTCC-")
    again = ana.post(
        reverse("api-case-links", args=[case_id]), {"kind": "camera", "object_id": camera.pk}, format="json"
    )
    assert again.status_code == 409
    assert ana.post(reverse("api-case-submit", args=[case_id])).status_code == 200
    assert ana.post(reverse("api-case-approve", args=[case_id])).status_code == 403
    assert ana.get(reverse("api-case-review")).status_code == 403
    queue = sup.get(reverse("api-case-review")).json()
    assert [c["id"] for c in queue] == [case_id]
    bad = sup.post(reverse("api-case-return", args=[case_id]), {"comment": ""}, format="json")
    assert bad.status_code == 400 and bad.json()["error"].startswith("comment:")
    assert (
        sup.post(reverse("api-case-return", args=[case_id]), {"comment": "Which camera?"}, format="json").status_code
        == 200
    )
    assert sup.post(reverse("api-case-approve", args=[case_id])).status_code == 409  # back to open
    ana.post(reverse("api-case-submit", args=[case_id]))
    assert sup.post(reverse("api-case-approve", args=[case_id])).status_code == 200
    patch = ana.patch(reverse("api-case-detail", args=[case_id]), {"title": "x"}, format="json")
    assert patch.status_code == 409
    detail = ana.get(reverse("api-case-detail", args=[case_id])).json()
    assert detail["status"] == "approved"
    assert [link["kind"] for link in detail["links"]] == ["incident", "camera"]
    kinds = [entry["kind"] for entry in detail["log"]]
    assert kinds.count("link_added") == 2 and "returned" in kinds and kinds[-1] == "approved"


def test_bad_input_names_the_field(analyst: Any, case: Case) -> None:
    ana = client_for(analyst)
    empty = ana.post(reverse("api-case-log", args=[case.pk]), {"text": "   "}, format="json")
    assert empty.status_code == 400 and empty.json()["error"] == "text: required"
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = ana.post(reverse("api-case-log", args=[case.pk]), {"text": "x", "action_at": future}, format="json")
    assert response.status_code == 400 and response.json()["error"].startswith("action_at:")
    response = ana.post(reverse("api-case-list"), {"title": ""}, format="json")
    assert response.status_code == 400 and response.json()["error"].startswith("title:")
    response = ana.post(reverse("api-case-links", args=[case.pk]), {"kind": "rocket", "object_id": 1}, format="json")
    assert response.status_code == 400 and response.json()["error"].startswith("kind:")
    response = ana.patch(reverse("api-case-detail", args=[case.pk]), {"outcome": "party"}, format="json")
    assert response.status_code == 400 and response.json()["error"].startswith("outcome:")
    assert ana.get(reverse("api-case-list") + "?status=bogus").status_code == 400
    assert ana.get(reverse("api-case-detail", args=[987654])).status_code == 404


@pytest.mark.parametrize("role", [Role.WALL, Role.ADMIN, None])
def test_other_roles_are_refused_everywhere(make_user: Any, role: Role | None, case: Case) -> None:
    client = client_for(make_user("other", role))
    assert client.get(reverse("api-case-list")).status_code == 403
    assert client.get(reverse("api-case-detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-case-review")).status_code == 403
    assert client.post(reverse("api-case-list"), {"title": "x"}, format="json").status_code == 403
    assert client.post(reverse("api-case-log", args=[case.pk]), {"text": "x"}, format="json").status_code == 403
    assert client.post(reverse("api-case-submit", args=[case.pk])).status_code == 403


def test_list_filters_and_query_count(analyst: Any, supervisor: Any) -> None:
    for i in range(3):
        services.case_open(actor=analyst, title=f"mine {i}")
    theirs = services.case_open(actor=supervisor, title="theirs")
    services.case_submit(actor=supervisor, case_id=theirs.pk)
    ana = client_for(analyst)
    assert len(ana.get(reverse("api-case-list") + "?mine=1").json()["results"]) == 3
    assert {c["title"] for c in ana.get(reverse("api-case-list") + "?status=pending_review").json()["results"]} == {
        "theirs"
    }
    with CaptureQueriesContext(connection) as few:
        ana.get(reverse("api-case-list"))
    for i in range(10):
        services.case_open(actor=analyst, title=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        body = ana.get(reverse("api-case-list")).json()
    assert body["count"] == 14
    assert len(many) == len(few) <= 6
