"""Bulletins API: roles, the state machine over HTTP, field-named validation errors, photos."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.models import AuditEvent
from bulletins.models import Bulletin, BulletinPhoto, BulletinVersion
from tests.bulletins.conftest import png_bytes

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "officer_safety",
        "title": "Subject known to carry a knife",
        "summary": "Approach with caution.",
        "subjects": [{"name": "J. Doe", "dob": "1990-04-02", "identifiers": "tattoo left forearm"}],
        "vehicles": [{"plate": "XYZ987", "state": "IL", "make": "Ford", "model": "F-150", "colour": "white"}],
        "lat": 43.0389,
        "lon": -87.9065,
        "location_label": "N Water St & E Wells St",
        "contact_name": "Det. Smith",
        "contact_phone": "414-555-0199",
        "expires_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    data.update(overrides)
    return data


def create(user: Any, **overrides: Any) -> dict[str, Any]:
    response = client_for(user).post("/api/v1/bulletins/", body(**overrides), format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_draft_submit_approve_disseminate_over_http(analyst: Any, supervisor: Any) -> None:
    created = create(analyst)
    assert (created["status"], created["version"], created["lat"]) == ("draft", 1, 43.0389)
    url = f"/api/v1/bulletins/{created['id']}/"
    early = client_for(analyst).post(url + "disseminate/", {"recipients": "D3", "channel": "radio"}, format="json")
    assert early.status_code == 409
    assert early.json()["error"] == "status: approve the bulletin before disseminating it"
    assert client_for(analyst).post(url + "submit/").json()["status"] == "pending_approval"
    assert client_for(analyst).post(url + "approve/").status_code == 403  # analysts cannot approve
    approved = client_for(supervisor).post(url + "approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"] == "sup"
    sent = client_for(analyst).post(
        url + "disseminate/", {"recipients": "District 3; MCSO", "channel": "email"}, format="json"
    )
    assert sent.status_code == 201 and sent.json()["version"] == 1
    log = client_for(supervisor).get(url + "disseminations/").json()
    assert [(d["recipients"], d["channel"], d["by"]) for d in log] == [("District 3; MCSO", "email", "ana")]


def test_author_self_approval_is_403(supervisor: Any) -> None:
    created = create(supervisor)
    url = f"/api/v1/bulletins/{created['id']}/"
    client_for(supervisor).post(url + "submit/")
    response = client_for(supervisor).post(url + "approve/")
    assert response.status_code == 403
    assert response.json()["error"].startswith("approve: you wrote this bulletin")


@pytest.mark.parametrize("role", [None, "norole", Role.WALL])
def test_no_role_and_wall_are_refused(role: Any, make_user: Any, analyst: Any) -> None:
    created = create(analyst)
    user = None if role is None else make_user(f"u-{role}", None if role == "norole" else role)
    client = client_for(user)
    assert client.get("/api/v1/bulletins/").status_code in (401, 403)
    assert client.get(f"/api/v1/bulletins/{created['id']}/pdf/").status_code in (401, 403)
    assert client.post("/api/v1/bulletins/", body(), format="json").status_code in (401, 403)


def test_admin_reads_but_cannot_write(admin_user: Any, analyst: Any) -> None:
    create(analyst)
    assert client_for(admin_user).get("/api/v1/bulletins/").status_code == 200
    assert client_for(admin_user).post("/api/v1/bulletins/", body(), format="json").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "prefix"),
    [
        ({"title": ""}, "title: "),
        ({"expires_at": (timezone.now() - timedelta(hours=1)).isoformat()}, "expires_at: must be in the future"),
        ({"kind": "rumour"}, "kind: "),
        ({"marking": "TOP SECRET"}, "marking: "),
        ({"lat": 43.0, "lon": None}, "lat: give both"),
        ({"subjects": [{"nickname": "Ace"}]}, "subjects[0].nickname: unknown key"),
    ],
)
def test_bad_input_names_the_field(analyst: Any, overrides: dict[str, Any], prefix: str) -> None:
    response = client_for(analyst).post("/api/v1/bulletins/", body(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["error"].startswith(prefix), response.json()
    assert not Bulletin.objects.exists()


def test_patch_makes_a_version_and_versions_endpoint_lists_them(analyst: Any) -> None:
    created = create(analyst)
    url = f"/api/v1/bulletins/{created['id']}/"
    patched = client_for(analyst).patch(url, {"summary": "Updated: seen at 5th & Main"}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    versions = client_for(analyst).get(url + "versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["content"]["summary"] == "Updated: seen at 5th & Main"
    bad = client_for(analyst).patch(url, {"expires_at": "2001-01-01T00:00:00Z"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"].startswith("expires_at:")
    assert BulletinVersion.objects.filter(bulletin_id=created["id"]).count() == 2


def test_photo_upload_checks_content_and_limits(analyst: Any, settings: Any) -> None:
    created = create(analyst)
    url = f"/api/v1/bulletins/{created['id']}/photos/"
    client = client_for(analyst)
    ok = client.post(url, {"photo": SimpleUploadedFile("a.png", png_bytes()), "caption": "CCTV still"})
    assert ok.status_code == 201, ok.content
    assert (ok.json()["image_format"], ok.json()["width"]) == ("PNG", 320)
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    refused = client.post(url, {"photo": exe})
    assert refused.status_code == 400 and refused.json()["error"].startswith("photo: the file is not an image")
    settings.RTCC_BULLETIN_PHOTO_MAX_BYTES = 100
    big = client.post(url, {"photo": SimpleUploadedFile("b.png", png_bytes())})
    assert big.status_code == 400 and big.json()["error"].startswith("photo: ")
    settings.RTCC_BULLETIN_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    settings.RTCC_BULLETIN_MAX_PHOTOS = 1
    too_many = client.post(url, {"photo": SimpleUploadedFile("c.png", png_bytes())})
    assert too_many.status_code == 400 and "at most 1 photos" in too_many.json()["error"]
    assert BulletinPhoto.objects.count() == 1
    assert client.get(f"/api/v1/bulletins/{created['id']}/").json()["version"] == 2


def test_pdf_endpoint_is_an_audited_attachment(analyst: Any, supervisor: Any) -> None:
    created = create(analyst)
    response = client_for(supervisor).get(f"/api/v1/bulletins/{created['id']}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bulletin-{created["id"]}-v1.pdf"'
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="bulletin.export_pdf")
    assert (event.actor_id, event.object_ref) == (supervisor.pk, f"bulletin:{created['id']}")


def test_unknown_bulletin_is_404(analyst: Any) -> None:
    assert client_for(analyst).get("/api/v1/bulletins/999999/").status_code == 404
    assert client_for(analyst).post("/api/v1/bulletins/999999/submit/").status_code == 404


def test_list_query_count_does_not_grow_with_bulletins(
    analyst: Any, supervisor: Any, django_assert_max_num_queries: Any
) -> None:
    for index in range(6):
        created = create(analyst, title=f"Bulletin {index}")
        client_for(analyst).post(f"/api/v1/bulletins/{created['id']}/submit/")
        client_for(supervisor).post(f"/api/v1/bulletins/{created['id']}/approve/")
    client = client_for(supervisor)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/bulletins/?status=approved")
    assert response.json()["count"] == 6
