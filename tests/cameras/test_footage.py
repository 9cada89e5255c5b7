"""Footage requests through the API: retention, owner contact, delivery with hashes, decline, expiry, roles."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from cameras import services
from cameras.models import Camera, FootageFile, FootageRequest
from cameras.tasks import expire_footage_requests
from rtcc.errors import InvalidInput
from tests.factories import CameraFactory, IncidentFactory

pytestmark = pytest.mark.django_db

CREATE = "/api/v1/footage-requests/create/"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def window(hours_ago: float, length_hours: float = 1) -> dict[str, str]:
    start = timezone.now() - timedelta(hours=hours_ago)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=length_hours)).isoformat()}


def ask(user: Any, camera: Camera, **body: Any) -> Any:
    data = {"camera": camera.pk, "reason": "robbery", **window(hours_ago=3), **body}
    return client_for(user).post(CREATE, data, format="json")


def open_request(user: Any, camera: Camera | None = None) -> FootageRequest:
    camera = camera or CameraFactory()
    now = timezone.now()
    request, _ = services.footage_request_create(
        user=user,
        camera_id=camera.pk,
        window_start=now - timedelta(hours=3),
        window_end=now - timedelta(hours=2),
        reason="robbery",
    )
    return request


# --- asking -----------------------------------------------------------------------------------------


def test_request_within_retention_is_created_with_owner_contact_and_audited(analyst: Any) -> None:
    camera = CameraFactory(retention_days=30, contact_after_hours="414-555-0199")
    incident = IncidentFactory()
    start = timezone.now() - timedelta(hours=3)

    response = ask(analyst, camera, incident=incident.pk, case_number="2031-000123")

    assert response.status_code == 201
    body = response.json()
    assert body["warnings"] == []
    assert body["owner_contact"] == {
        "owner": "City of Milwaukee",
        "name": "Pat Owner",
        "phone": "414-555-0100",
        "email": "owner@example.org",
        "after_hours": "414-555-0199",
    }
    request = FootageRequest.objects.get(pk=body["request"]["id"])
    assert (request.status, request.camera, request.incident, request.requested_by) == (
        "requested",
        camera,
        incident,
        analyst,
    )
    assert abs(request.available_until - (start + timedelta(days=30))) < timedelta(seconds=5)
    assert body["request"]["status"] == "requested"
    audit = AuditEvent.objects.get(action="footage.request")
    assert (audit.actor_id, audit.object_ref, audit.case_number) == (analyst.pk, f"camera:{camera.pk}", "2031-000123")
    assert audit.details == {"request": request.pk, "incident": incident.pk, "reason": request.reason}
    assert audit.purpose == "footage_request"


def test_request_close_to_the_retention_deadline_warns_to_call_the_owner(analyst: Any) -> None:
    camera = CameraFactory(retention_days=2)

    response = ask(analyst, camera, **window(hours_ago=48 - 10))  # deleted in about 10 hours

    assert response.status_code == 201
    (warning,) = response.json()["warnings"]
    assert "about 9 h" in warning or "about 10 h" in warning
    assert "call the owner" in warning


def test_request_with_unknown_retention_warns(analyst: Any) -> None:
    response = ask(analyst, CameraFactory(retention_days=None))

    assert response.status_code == 201
    assert "retention is unknown" in response.json()["warnings"][0]
    assert response.json()["request"]["available_until"] is None


def test_request_outside_retention_is_refused_naming_window_start(analyst: Any) -> None:
    camera = CameraFactory(retention_days=7)

    response = ask(analyst, camera, **window(hours_ago=7 * 24 + 1))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("window_start: outside the owner's retention of 7 days")
    assert not FootageRequest.objects.exists()


def test_register_only_camera_refuses_footage_requests(analyst: Any) -> None:
    camera = CameraFactory(tier="register")

    response = ask(analyst, camera)

    assert response.status_code == 400
    assert response.json()["error"] == f"camera: {camera.reference} is register-only; contact the owner directly"


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ({"window_start": -3, "window_end": -3}, "window_end"),
        ({"window_start": -2, "window_end": -3}, "window_end"),
        ({"window_start": -30, "window_end": -5}, "window_end"),
        ({"window_start": 1, "window_end": 2}, "window_start"),
    ],
    ids=["empty window", "end before start", "longer than 24 h", "in the future"],
)
def test_bad_windows_are_refused_naming_the_field(analyst: Any, times: dict[str, int], field: str) -> None:
    now = timezone.now()
    body = {name: (now + timedelta(hours=hours)).isoformat() for name, hours in times.items()}

    response = ask(analyst, CameraFactory(), **body)

    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert not FootageRequest.objects.exists()


def test_unknown_incident_and_blank_reason_are_refused(analyst: Any) -> None:
    camera = CameraFactory()
    assert ask(analyst, camera, incident=999_999).json()["error"] == "incident_id: no incident 999999"
    assert ask(analyst, camera, reason="   ").json()["error"].startswith("reason:")
    assert not FootageRequest.objects.exists()


def test_supervisor_may_request_but_does_not_see_owner_contact(supervisor: Any) -> None:
    response = ask(supervisor, CameraFactory())

    assert response.status_code == 201
    assert response.json()["owner_contact"] is None


def test_request_with_a_full_sentence_as_reason_is_accepted(analyst: Any) -> None:
    reason = "Armed robbery at the corner store; suspect fled north on foot"

    response = ask(analyst, CameraFactory(), reason=reason)

    assert response.status_code == 201
    assert FootageRequest.objects.get().reason == reason


# --- delivery, decline, expiry ----------------------------------------------------------------------


def test_fulfil_stores_each_file_with_its_sha256_size_and_type_sniffed_from_the_bytes(analyst: Any) -> None:
    request = open_request(analyst)
    random_bytes = os.urandom(6 * 1024 * 1024 + 123)  # above the in-memory upload limit: a temporary file
    uploads = {
        "still.png": (PNG_BYTES, "image/png"),
        "export.dav": (random_bytes, "application/octet-stream"),
        "x.mp4": (PDF_BYTES, "application/pdf"),  # the name and the declared type lie; the bytes do not
    }
    files = [SimpleUploadedFile(name, content, content_type="video/mp4") for name, (content, _) in uploads.items()]

    response = client_for(analyst).post(
        f"/api/v1/footage-requests/{request.pk}/fulfil/",
        {"files": files, "note": "USB stick from the owner"},
        format="multipart",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["response_note"]) == ("fulfilled", "USB stick from the owner")
    assert {row["original_name"]: (row["sha256"], row["size_bytes"], row["content_type"]) for row in body["files"]} == {
        name: (hashlib.sha256(content).hexdigest(), len(content), content_type)
        for name, (content, content_type) in uploads.items()
    }
    for stored in FootageFile.objects.filter(request=request):
        with stored.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256
        assert stored.uploaded_by == analyst
    request.refresh_from_db()
    assert (request.status, request.closed_by) == ("fulfilled", analyst)
    assert request.closed_at is not None
    audit = AuditEvent.objects.get(action="footage.fulfil")
    assert (audit.object_ref, audit.details) == (f"footage:{request.pk}", {"files": 3})


def test_fulfil_needs_a_file_and_happens_only_once(analyst: Any) -> None:
    request = open_request(analyst)
    url = f"/api/v1/footage-requests/{request.pk}/fulfil/"
    client = client_for(analyst)

    empty = client.post(url, {"note": "nothing attached"}, format="multipart")
    assert empty.status_code == 400
    assert empty.json()["error"].startswith("files:")

    first = client.post(url, {"files": [SimpleUploadedFile("a.png", PNG_BYTES)]}, format="multipart")
    assert first.status_code == 200
    second = client.post(url, {"files": [SimpleUploadedFile("b.png", PNG_BYTES)]}, format="multipart")
    assert second.status_code == 400
    assert second.json()["error"] == f"status: request {request.pk} is already fulfilled"
    assert list(FootageFile.objects.values_list("original_name", flat=True)) == ["a.png"]


def test_decline_needs_a_note_and_closes_the_request(analyst: Any) -> None:
    request = open_request(analyst)
    client = client_for(analyst)
    url = f"/api/v1/footage-requests/{request.pk}/decline/"

    for body in ({}, {"note": ""}, {"note": "   "}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400
        assert response.json()["error"].startswith("note:")
    request.refresh_from_db()
    assert request.status == "requested"

    with pytest.raises(InvalidInput, match=r"^note:"):
        services.footage_request_decline(user=analyst, request_id=request.pk, note="  ")

    declined = client.post(url, {"note": "Recorder was off that night"}, format="json")
    assert declined.status_code == 200
    request.refresh_from_db()
    assert (request.status, request.response_note, request.closed_by) == (
        "declined",
        "Recorder was off that night",
        analyst,
    )
    late_delivery = client.post(
        f"/api/v1/footage-requests/{request.pk}/fulfil/",
        {"files": [SimpleUploadedFile("a.png", PNG_BYTES)]},
        format="multipart",
    )
    assert late_delivery.status_code == 400
    assert late_delivery.json()["error"] == f"status: request {request.pk} is already declined"
    assert AuditEvent.objects.filter(action="footage.decline", object_ref=f"footage:{request.pk}").count() == 1


def test_expire_task_closes_open_requests_whose_footage_is_gone(analyst: Any) -> None:
    camera = CameraFactory(retention_days=2)
    asked_at = timezone.now() - timedelta(days=3)

    def request_from(now: datetime) -> FootageRequest:
        request, _ = services.footage_request_create(
            user=analyst,
            camera_id=camera.pk,
            window_start=now - timedelta(hours=2),
            window_end=now - timedelta(hours=1),
            reason="robbery",
            now=now,
        )
        return request

    overdue = request_from(asked_at)
    answered = request_from(asked_at)
    FootageRequest.objects.filter(pk=answered.pk).update(status="declined")
    fresh = request_from(timezone.now())

    assert expire_footage_requests() == 1

    overdue.refresh_from_db()
    assert overdue.status == "expired"
    assert overdue.closed_at is not None
    assert FootageRequest.objects.get(pk=answered.pk).status == "declined"
    assert FootageRequest.objects.get(pk=fresh.pk).status == "requested"
    assert expire_footage_requests() == 0


def test_list_shows_requests_with_their_files(analyst: Any) -> None:
    request = open_request(analyst)
    services.footage_request_fulfil(user=analyst, request_id=request.pk, files=[SimpleUploadedFile("a.png", PNG_BYTES)])

    response = client_for(analyst).get("/api/v1/footage-requests/", {"status": "fulfilled"})

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert (row["id"], row["requested_by"]) == (request.pk, analyst.username)
    assert [file["sha256"] for file in row["files"]] == [hashlib.sha256(PNG_BYTES).hexdigest()]


# --- who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["norole", "anonymous"])
def test_roles_without_footage_access_are_refused(who: str, norole_user: Any, analyst: Any) -> None:
    camera = CameraFactory()
    request = open_request(analyst, camera)
    client = client_for(norole_user if who == "norole" else None)
    expected = 403 if who == "norole" else 401
    attempts = [
        client.get("/api/v1/footage-requests/"),
        client.post(CREATE, {"camera": camera.pk, "reason": "x", **window(hours_ago=3)}, format="json"),
        client.post(
            f"/api/v1/footage-requests/{request.pk}/fulfil/",
            {"files": [SimpleUploadedFile("a.png", PNG_BYTES)]},
            format="multipart",
        ),
        client.post(f"/api/v1/footage-requests/{request.pk}/decline/", {"note": "no"}, format="json"),
    ]

    assert [response.status_code for response in attempts] == [expected] * len(attempts)
    request.refresh_from_db()
    assert (request.status, FootageRequest.objects.count(), FootageFile.objects.count()) == ("requested", 1, 0)
